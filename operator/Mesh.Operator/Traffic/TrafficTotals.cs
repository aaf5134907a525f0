namespace Mesh.Operator.Traffic;

/// <summary>Requests, failures and latency buckets summed over some buckets of history. Mutable while it is summed.</summary>
public sealed class TrafficTotals
{
    public long Requests { get; private set; }

    public long Failures { get; private set; }

    public long[] Latency { get; } = new long[LatencyHistogram.BucketCount];

    /// <summary>Percent of requests that did not fail; null without requests.</summary>
    public double? SuccessPercent => Requests == 0 ? null : 100.0 * (Requests - Failures) / Requests;

    public double? QuantileSeconds(double q) => LatencyHistogram.Quantile(Latency, q);

    internal void Add(ReadOnlySpan<uint> slot)
    {
        Requests += slot[0];
        Failures += slot[1];
        for (var i = 0; i < Latency.Length; i++)
        {
            Latency[i] += slot[2 + i];
        }
    }

    internal void Add(TrafficTotals other)
    {
        Requests += other.Requests;
        Failures += other.Failures;
        for (var i = 0; i < Latency.Length; i++)
        {
            Latency[i] += other.Latency[i];
        }
    }
}
