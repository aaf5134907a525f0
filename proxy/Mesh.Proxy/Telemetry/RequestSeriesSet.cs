namespace Mesh.Proxy.Telemetry;

/// <summary>
/// The <see cref="RequestSeries"/> one snapshot bound, by their labels. A new snapshot's set takes over the series it
/// shares with the previous one (their counts go on) and, once it is served, retires the ones it dropped.
/// </summary>
internal sealed class RequestSeriesSet
{
    public static readonly RequestSeriesSet Empty = new(new Dictionary<RequestSeriesKey, RequestSeries>());

    private readonly Dictionary<RequestSeriesKey, RequestSeries> _series;

    private RequestSeriesSet(Dictionary<RequestSeriesKey, RequestSeries> series) => _series = series;

    public int Count => _series.Count;

    /// <summary>Retires the series of <paramref name="replaced"/> that this set does not keep.</summary>
    public void RetireReplaced(RequestSeriesSet? replaced)
    {
        if (replaced is null || ReferenceEquals(replaced, this))
        {
            return;
        }

        foreach (var (key, series) in replaced._series)
        {
            if (!_series.TryGetValue(key, out var kept) || !ReferenceEquals(kept, series))
            {
                series.Retire();
            }
        }
    }

    /// <summary>Collects the series of one snapshot build. Not thread-safe; a build runs on one thread.</summary>
    internal sealed class Binder
    {
        private readonly ProxyMetrics _metrics;
        private readonly RequestSeriesSet _previous;
        private readonly Dictionary<RequestSeriesKey, RequestSeries> _series = [];

        public Binder(ProxyMetrics metrics, RequestSeriesSet? previous)
        {
            _metrics = metrics;
            _previous = previous ?? Empty;
        }

        public RequestSeries Outbound(string destinationService, string destinationSubset, string route)
        {
            var key = new RequestSeriesKey(ProxyMetrics.Outbound, destinationService, destinationSubset, route);
            if (!_series.TryGetValue(key, out var series))
            {
                series = _previous._series.TryGetValue(key, out var kept)
                    ? kept
                    : _metrics.CreateSeries(ProxyMetrics.Outbound, destinationService, destinationSubset, route);
                _series.Add(key, series);
            }

            return series;
        }

        /// <summary>Binds a series of the previous set that a kept route still reports to.</summary>
        public void Keep(RequestSeries series) =>
            _series.TryAdd(new RequestSeriesKey(series.Direction, series.DestinationService, series.DestinationSubset, series.Route), series);

        public RequestSeriesSet Build() => new(_series);
    }
}

internal readonly record struct RequestSeriesKey(string Direction, string DestinationService, string DestinationSubset, string Route);
