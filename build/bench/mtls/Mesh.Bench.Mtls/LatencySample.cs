using System.Globalization;

namespace Mesh.Bench.Mtls;

/// <summary>The latencies (ms, from intended send time) of one run and its percentiles.</summary>
internal sealed class LatencySample
{
    private readonly double[] _sorted;

    public LatencySample(double[] latencies, int failures, TimeSpan elapsed)
    {
        _sorted = (double[])latencies.Clone();
        Array.Sort(_sorted);
        Failures = failures;
        Elapsed = elapsed;
    }

    public int Count => _sorted.Length;

    public int Failures { get; }

    public TimeSpan Elapsed { get; }

    public double AchievedRate => Count / Elapsed.TotalSeconds;

    /// <summary>Nearest-rank percentile, <paramref name="p"/> in (0, 100].</summary>
    public double Percentile(double p) => _sorted.Length == 0 ? double.NaN : _sorted[Math.Clamp((int)Math.Ceiling(p / 100 * _sorted.Length) - 1, 0, _sorted.Length - 1)];

    public static LatencySample Combine(IEnumerable<LatencySample> samples)
    {
        var list = samples.ToList();
        return new LatencySample(list.SelectMany(s => s._sorted).ToArray(), list.Sum(s => s.Failures), TimeSpan.FromTicks(list.Sum(s => s.Elapsed.Ticks)));
    }

    public string Row(string name) => string.Create(CultureInfo.InvariantCulture,
        $"{name,-26} {Count,8} {Failures,6} {AchievedRate,9:0.0} {Percentile(50),9:0.000} {Percentile(99),9:0.000} {Percentile(99.9),9:0.000} {_sorted[^1],9:0.000}");
}
