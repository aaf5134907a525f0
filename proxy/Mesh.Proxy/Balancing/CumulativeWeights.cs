namespace Mesh.Proxy.Balancing;

/// <summary>
/// Picks an index with probability weight / Σweights: a random ticket searched in the cumulative sums. Used for a
/// route's weighted destinations and a cluster's weighted endpoints.
/// </summary>
internal readonly struct CumulativeWeights
{
    private readonly long[] _cumulative;

    public CumulativeWeights(int count, Func<int, long> weightOf)
    {
        _cumulative = new long[count];
        long sum = 0;
        for (var i = 0; i < count; i++)
        {
            sum += weightOf(i);
            _cumulative[i] = sum;
        }
    }

    /// <summary>A random index; the caller guarantees at least one entry and a positive sum.</summary>
    public int PickIndex()
    {
        if (_cumulative.Length == 1)
        {
            return 0;
        }

        var ticket = Random.Shared.NextInt64(_cumulative[^1]);
        var index = Array.BinarySearch(_cumulative, ticket + 1);
        return index >= 0 ? index : ~index;
    }
}
