using Mesh.Api.V1;

namespace Mesh.Operator.Traffic;

/// <summary>
/// One edge's history: a ring of fixed-width time buckets, each holding requests, failures and latency bucket
/// counts as 32-bit counters (one edge gets far fewer than 4 billion requests in a bucket; they saturate rather
/// than wrap). A slot is reused once its bucket leaves the window. Not thread-safe: the store locks around it.
/// </summary>
internal sealed class EdgeHistory
{
    /// <summary>Counters per slot: requests, failures, then the latency buckets.</summary>
    public static readonly int SlotWidth = 2 + LatencyHistogram.BucketCount;

    private readonly long[] _epochs;
    private readonly uint[] _counts;

    public EdgeHistory(int slots)
    {
        _epochs = new long[slots];
        Array.Fill(_epochs, long.MinValue);
        _counts = new uint[slots * SlotWidth];
    }

    /// <summary>The bucket epoch of the latest report; an edge whose last report left the window is idle.</summary>
    public long LastEpoch { get; private set; } = long.MinValue;

    /// <summary>Bytes one edge holds at <paramref name="slots"/> buckets (arrays and object headers), for the docs and the metric.</summary>
    public static long BytesPerEdge(int slots) => (slots * sizeof(long)) + (slots * SlotWidth * sizeof(uint)) + (3 * 24) + 64;

    public void Add(long epoch, TrafficEdge edge, int[] bucketMap)
    {
        var slot = Slot(epoch);
        if (_epochs[slot / SlotWidth] != epoch)
        {
            _epochs[slot / SlotWidth] = epoch;
            Array.Clear(_counts, slot, SlotWidth);
        }

        Saturating(ref _counts[slot], edge.Requests);
        Saturating(ref _counts[slot + 1], edge.Failures);
        for (var i = 0; i < edge.LatencyBuckets.Count && i < bucketMap.Length; i++)
        {
            Saturating(ref _counts[slot + 2 + bucketMap[i]], edge.LatencyBuckets[i]);
        }

        LastEpoch = Math.Max(LastEpoch, epoch);
    }

    /// <summary>Adds the buckets from <paramref name="from"/> to <paramref name="to"/> (inclusive) that are still held.</summary>
    public void SumInto(TrafficTotals totals, long from, long to)
    {
        for (var epoch = Math.Max(from, to - _epochs.Length + 1); epoch <= to; epoch++)
        {
            if (Counts(epoch) is { IsEmpty: false } counts)
            {
                totals.Add(counts);
            }
        }
    }

    /// <summary>The counters of bucket <paramref name="epoch"/>, empty when it is not held.</summary>
    public ReadOnlySpan<uint> Counts(long epoch)
    {
        var slot = Slot(epoch);
        return _epochs[slot / SlotWidth] == epoch ? _counts.AsSpan(slot, SlotWidth) : [];
    }

    private int Slot(long epoch) => (int)(((epoch % _epochs.Length) + _epochs.Length) % _epochs.Length) * SlotWidth;

    private static void Saturating(ref uint counter, ulong value) => counter = (uint)Math.Min(uint.MaxValue, counter + value);
}
