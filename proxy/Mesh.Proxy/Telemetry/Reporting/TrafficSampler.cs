using System.Buffers;
using System.Globalization;
using System.Text;
using Mesh.Api.V1;

namespace Mesh.Proxy.Telemetry.Reporting;

/// <summary>
/// Builds traffic reports from the counters the proxy already keeps: it exports its own registry (as a scrape of
/// <c>/stats/prometheus</c> would) and subtracts the previous sample, so a request costs nothing more than the
/// metrics it records anyway. Only outbound series count: the proxy's workload is the source of every edge.
/// A series that went down (retired with its snapshot and bound again) counts from zero. Not thread-safe: one
/// stream samples at a time.
/// </summary>
internal sealed class TrafficSampler : ITrafficSampler
{
    private const string RequestsPrefix = "mesh_requests_total{direction=\"outbound\",";
    private const string BucketsPrefix = "mesh_request_duration_seconds_bucket{direction=\"outbound\",";

    private readonly ProxyMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly string _sourceWorkload;
    private readonly int _maxEdges;
    private readonly double[] _bounds = ProxyMetrics.DurationBuckets;
    private readonly Dictionary<string, ExportedSeries> _series = new(StringComparer.Ordinal);
    private readonly MemoryStream _export = new();
    private long _sample;
    private long _lastSampleTimestamp;

    public TrafficSampler(ProxyMetrics metrics, TimeProvider time, string sourceWorkload, int maxEdges)
    {
        _metrics = metrics;
        _time = time;
        _sourceWorkload = sourceWorkload;
        _maxEdges = maxEdges;
    }

    public async Task<TrafficReport?> SampleAsync(CancellationToken cancellationToken)
    {
        _export.SetLength(0);
        await _metrics.Registry.CollectAndExportAsTextAsync(_export, cancellationToken);
        var now = _time.GetTimestamp();
        var first = _sample++ == 0;
        var edges = Accumulate(first);
        var interval = first ? TimeSpan.Zero : _time.GetElapsedTime(_lastSampleTimestamp, now);
        _lastSampleTimestamp = now;
        return first ? null : Build(edges, interval);
    }

    private Dictionary<(string Service, string Subset), TrafficEdge> Accumulate(bool baselineOnly)
    {
        var edges = new Dictionary<(string Service, string Subset), TrafficEdge>();
        var byteCount = (int)_export.Length;
        var chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(byteCount));
        try
        {
            var length = Encoding.UTF8.GetChars(_export.GetBuffer().AsSpan(0, byteCount), chars);
            var lookup = _series.GetAlternateLookup<ReadOnlySpan<char>>();
            foreach (var range in chars.AsSpan(0, length).Split('\n'))
            {
                var line = chars.AsSpan(0, length)[range];
                var histogram = line.StartsWith(BucketsPrefix, StringComparison.Ordinal);
                if (!histogram && !line.StartsWith(RequestsPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                var space = line.LastIndexOf(' ');
                var open = line.IndexOf('{');
                if (space <= open || !double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    continue;
                }

                var key = line[..space];
                if (!lookup.TryGetValue(key, out var series))
                {
                    if (ExportedSeries.Parse(line[open..space], histogram, _bounds) is not { } parsed)
                    {
                        continue;
                    }

                    series = parsed;
                    lookup[key] = series;
                }

                var delta = value >= series.Previous ? value - series.Previous : value;
                series.Previous = value;
                series.SeenInSample = _sample;
                if (!baselineOnly && delta > 0)
                {
                    Add(edges, series, (ulong)delta);
                }
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }

        // Series that left the export (retired with their snapshot) must not keep a stale previous value.
        foreach (var (key, series) in _series)
        {
            if (series.SeenInSample != _sample)
            {
                _series.Remove(key);
            }
        }

        return edges;
    }

    private void Add(Dictionary<(string Service, string Subset), TrafficEdge> edges, ExportedSeries series, ulong delta)
    {
        if (!edges.TryGetValue((series.Service, series.Subset), out var edge))
        {
            edge = new TrafficEdge { DestinationService = series.Service, DestinationSubset = series.Subset };
            for (var i = 0; i <= _bounds.Length; i++)
            {
                edge.LatencyBuckets.Add(0);
            }

            edges.Add((series.Service, series.Subset), edge);
        }

        if (series.Bucket >= 0)
        {
            // Cumulative per le until Build turns them into per-bucket counts.
            edge.LatencyBuckets[series.Bucket] += delta;
        }
        else
        {
            edge.Requests += delta;
            edge.Failures += series.Failure ? delta : 0;
        }
    }

    private TrafficReport Build(Dictionary<(string Service, string Subset), TrafficEdge> edges, TimeSpan interval)
    {
        var report = new TrafficReport
        {
            SourceWorkload = _sourceWorkload,
            IntervalMs = (uint)Math.Clamp(interval.TotalMilliseconds, 0, uint.MaxValue),
        };
        report.LatencyBoundsSeconds.Add(_bounds);
        var ordered = edges.Values
            .Where(edge => edge.Requests > 0)
            .OrderByDescending(edge => edge.Requests)
            .ThenBy(edge => edge.DestinationService, StringComparer.Ordinal)
            .ThenBy(edge => edge.DestinationSubset, StringComparer.Ordinal);
        foreach (var edge in ordered)
        {
            if (report.Edges.Count == _maxEdges)
            {
                report.DroppedRequests += edge.Requests;
                continue;
            }

            Decumulate(edge.LatencyBuckets);
            report.Edges.Add(edge);
        }

        return report;
    }

    private static void Decumulate(Google.Protobuf.Collections.RepeatedField<ulong> buckets)
    {
        for (var i = buckets.Count - 1; i > 0; i--)
        {
            buckets[i] = buckets[i] >= buckets[i - 1] ? buckets[i] - buckets[i - 1] : 0;
        }

        var last = buckets.Count;
        while (last > 0 && buckets[last - 1] == 0)
        {
            last--;
        }

        while (buckets.Count > last)
        {
            buckets.RemoveAt(buckets.Count - 1);
        }
    }
}
