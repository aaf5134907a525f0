using Mesh.Api.V1;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.Traffic;

/// <summary>
/// The last <see cref="TrafficStoreOptions.Window"/> of the whole mesh's traffic, in buckets of
/// <see cref="TrafficStoreOptions.BucketWidth"/> per edge. A report's counts go to the bucket of the time it arrives.
/// Bounded: at most <see cref="TrafficStoreOptions.MaxEdges"/> edges of fixed size each. One lock: reports arrive a few
/// hundred times a second at most (1,000 proxies every 5 s) and each touches a few slots.
/// </summary>
internal sealed class TrafficStore : ITrafficStore
{
    private readonly TimeProvider _time;
    private readonly long _widthMs;
    private readonly int _slots;
    private readonly int _maxEdges;
    private readonly Dictionary<EdgeKey, EdgeHistory> _edges = [];
    private readonly Lock _gate = new();
    private readonly int[] _identityMap = LatencyHistogram.MapFrom(LatencyHistogram.Bounds);
    private long _dropped;

    public TrafficStore(IOptions<TrafficStoreOptions> options, TimeProvider time)
    {
        var value = options.Value;
        _time = time;
        _widthMs = Math.Max(1, (long)value.BucketWidth.TotalMilliseconds);
        _slots = (int)Math.Max(1, Math.Ceiling(value.Window.TotalMilliseconds / _widthMs));
        _maxEdges = value.MaxEdges;
    }

    public TimeSpan BucketWidth => TimeSpan.FromMilliseconds(_widthMs);

    public TrafficStoreStats Stats
    {
        get
        {
            lock (_gate)
            {
                return new TrafficStoreStats(_edges.Count, EdgeHistory.BytesPerEdge(_slots), _dropped);
            }
        }
    }

    public void Record(string @namespace, TrafficReport report)
    {
        var map = report.LatencyBoundsSeconds.SequenceEqual(LatencyHistogram.Bounds) ? _identityMap : LatencyHistogram.MapFrom(report.LatencyBoundsSeconds);
        var source = $"{@namespace}/{report.SourceWorkload}";
        var epoch = Epoch();
        lock (_gate)
        {
            foreach (var edge in report.Edges)
            {
                var key = new EdgeKey(source, edge.DestinationService, edge.DestinationSubset);
                if (!_edges.TryGetValue(key, out var history))
                {
                    if (_edges.Count >= _maxEdges && !EvictIdle(epoch))
                    {
                        _dropped++;
                        continue;
                    }

                    history = new EdgeHistory(_slots);
                    _edges.Add(key, history);
                }

                history.Add(epoch, edge, map);
            }
        }
    }

    public IReadOnlyList<EdgeTotals> Edges(TimeSpan window)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var now = nowMs / _widthMs;
        var buckets = Math.Clamp((long)Math.Ceiling(window.TotalMilliseconds / _widthMs), 1, _slots);

        // The newest bucket is still filling: it holds only the time elapsed in it, so a rate over whole buckets would
        // read low by up to one bucket's share of the window. At least one second, so a fresh bucket divides sanely.
        var seconds = Math.Max(((buckets - 1) * _widthMs) + (nowMs % _widthMs), 1_000) / 1000.0;
        var result = new List<EdgeTotals>();
        lock (_gate)
        {
            EvictAllIdle(now);
            foreach (var (key, history) in _edges)
            {
                var totals = new TrafficTotals();
                history.SumInto(totals, now - buckets + 1, now);
                if (totals.Requests > 0)
                {
                    result.Add(new EdgeTotals(key, totals, seconds));
                }
            }
        }

        return result;
    }

    public IReadOnlyList<SubsetHistory> History(string service)
    {
        var now = Epoch();
        var first = now - _slots + 1;
        var bySubset = new SortedDictionary<string, TrafficTotals[]>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var (key, history) in _edges)
            {
                if (!string.Equals(key.Service, service, StringComparison.Ordinal))
                {
                    continue;
                }

                if (!bySubset.TryGetValue(key.Subset, out var series))
                {
                    series = new TrafficTotals[_slots];
                    for (var i = 0; i < series.Length; i++)
                    {
                        series[i] = new TrafficTotals();
                    }

                    bySubset.Add(key.Subset, series);
                }

                for (var epoch = first; epoch <= now; epoch++)
                {
                    if (history.Counts(epoch) is { IsEmpty: false } counts)
                    {
                        series[epoch - first].Add(counts);
                    }
                }
            }
        }

        var start = DateTimeOffset.FromUnixTimeMilliseconds(first * _widthMs);
        return bySubset.Select(pair => new SubsetHistory(pair.Key, start, pair.Value)).ToList();
    }

    private long Epoch() => _time.GetUtcNow().ToUnixTimeMilliseconds() / _widthMs;

    private bool IsIdle(EdgeHistory history, long now) => history.LastEpoch <= now - _slots;

    /// <summary>Makes room for one edge by dropping one whose history has all left the window.</summary>
    private bool EvictIdle(long now)
    {
        foreach (var (key, history) in _edges)
        {
            if (IsIdle(history, now))
            {
                _edges.Remove(key);
                return true;
            }
        }

        return false;
    }

    private void EvictAllIdle(long now)
    {
        foreach (var (key, history) in _edges)
        {
            if (IsIdle(history, now))
            {
                _edges.Remove(key);
            }
        }
    }
}
