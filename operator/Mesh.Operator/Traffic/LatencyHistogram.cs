namespace Mesh.Operator.Traffic;

/// <summary>
/// The latency buckets the store keeps: the proxy's request duration buckets, so its reports map one to one. A
/// report with other bounds is folded in by upper bound (each of its buckets goes to the first of ours that holds it).
/// </summary>
public static class LatencyHistogram
{
    /// <summary>Upper bounds in seconds; one more, unbounded bucket follows.</summary>
    public static readonly double[] Bounds = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    public static int BucketCount => Bounds.Length + 1;

    /// <summary>Our bucket for each of <paramref name="reported"/>'s buckets (its bounds, then its unbounded one).</summary>
    public static int[] MapFrom(IReadOnlyList<double> reported)
    {
        var map = new int[reported.Count + 1];
        for (var i = 0; i < reported.Count; i++)
        {
            var index = Array.FindIndex(Bounds, bound => bound >= reported[i]);
            map[i] = index < 0 ? Bounds.Length : index;
        }

        map[reported.Count] = Bounds.Length;
        return map;
    }

    /// <summary>
    /// The <paramref name="q"/> quantile in seconds, interpolated linearly inside its bucket as Prometheus's
    /// histogram_quantile does; the last bound when it falls in the unbounded bucket; null without requests.
    /// </summary>
    public static double? Quantile(ReadOnlySpan<long> buckets, double q)
    {
        long total = 0;
        foreach (var count in buckets)
        {
            total += count;
        }

        if (total == 0)
        {
            return null;
        }

        var rank = q * total;
        long below = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            if (below + buckets[i] >= rank && buckets[i] > 0)
            {
                if (i >= Bounds.Length)
                {
                    return Bounds[^1];
                }

                var lower = i == 0 ? 0 : Bounds[i - 1];
                return lower + ((Bounds[i] - lower) * (rank - below) / buckets[i]);
            }

            below += buckets[i];
        }

        return Bounds[^1];
    }
}
