using System.Globalization;

namespace Mesh.Convergence;

/// <summary>Nearest-rank percentiles of a set of latencies, in milliseconds.</summary>
internal sealed class LatencySummary(IReadOnlyCollection<double> milliseconds)
{
    private readonly double[] _sorted = [.. milliseconds.Order()];

    public int Count => _sorted.Length;

    public double Percentile(double p) =>
        _sorted.Length == 0 ? double.NaN : _sorted[Math.Clamp((int)Math.Ceiling(p / 100 * _sorted.Length) - 1, 0, _sorted.Length - 1)];

    public override string ToString() => Count == 0
        ? "no samples"
        : string.Create(
            CultureInfo.InvariantCulture,
            $"n={Count} p50={Percentile(50):F0} ms p90={Percentile(90):F0} ms p99={Percentile(99):F0} ms max={Percentile(100):F0} ms");
}
