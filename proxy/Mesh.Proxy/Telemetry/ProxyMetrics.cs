using Mesh.Proxy.Clusters;
using Mesh.Proxy.Hosting;
using Mesh.Proxy.Runtime;
using Prometheus;

namespace Mesh.Proxy.Telemetry;

/// <summary>
/// The proxy's metrics (DESIGN.md, Observability contract) in a prometheus-net registry of this host's own: several
/// proxies share a process in tests, so nothing goes to the library's static default registry.
/// </summary>
internal sealed class ProxyMetrics
{
    public const string Outbound = "outbound";
    public const string Inbound = "inbound";

    /// <summary>The Prometheus text exposition format that the registry writes.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly string[] RequestLabelNames = ["direction", "source_workload", "destination_service", "destination_subset", "route", "response_code"];
    private static readonly string[] DurationLabelNames = ["direction", "source_workload", "destination_service", "destination_subset", "route", "response_code_class"];
    /// <summary>Upper bounds, in seconds, of the request duration histogram's buckets; traffic reports carry the same.</summary>
    internal static readonly double[] DurationBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly SnapshotHolder _snapshots;
    private readonly TimeProvider _time;
    private readonly string _sourceWorkload;
    private readonly Counter _requests;
    private readonly Histogram _duration;
    private readonly Counter _authorizationDenied;
    private readonly Counter _rateLimited;
    private readonly Gauge _connections;
    private readonly Gauge _ejected;
    private readonly Gauge _active;

    public ProxyMetrics(SnapshotHolder snapshots, ProxyOptions options, TimeProvider time)
    {
        _snapshots = snapshots;
        _time = time;
        _sourceWorkload = options.SourceWorkload;
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        _requests = factory.CreateCounter("mesh_requests_total", "Requests handled by the proxy.", RequestLabelNames);
        _duration = factory.CreateHistogram(
            "mesh_request_duration_seconds",
            "Request duration as seen by the proxy.",
            DurationLabelNames,
            new HistogramConfiguration { Buckets = DurationBuckets });
        _authorizationDenied = factory.CreateCounter(
            "mesh_proxy_authz_denied_total", "Inbound requests denied by authorization, by the DENY policy that matched (empty: no ALLOW policy matched).", "policy");
        _rateLimited = factory.CreateCounter("mesh_proxy_rate_limited_total", "Inbound requests rejected by a rate limit, by policy.", "policy");
        _connections = factory.CreateGauge("mesh_upstream_connections", "Open upstream connections per cluster.", "cluster");
        _ejected = factory.CreateGauge("mesh_upstream_ejected_endpoints", "Endpoints ejected by outlier detection per cluster.", "cluster");
        _active = factory.CreateGauge("mesh_upstream_requests_active", "Requests in flight per cluster.", "cluster");
        Registry.AddBeforeCollectCallback(UpdateClusterGauges);
        Tcp = new Tcp.TcpMetrics(factory, _sourceWorkload);

        Unknown = CreateSeries(Outbound, "unknown", string.Empty, string.Empty);
        BlackHole = CreateSeries(Outbound, "BlackHoleCluster", string.Empty, string.Empty);
        Passthrough = CreateSeries(Outbound, "PassthroughCluster", string.Empty, string.Empty);
    }

    /// <summary>This host's registry: /stats/prometheus exports it, and the TLS metrics register in it too.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>The L4 path's connection and byte counters.</summary>
    public Tcp.TcpMetrics Tcp { get; }

    /// <summary>Outbound requests before any virtual host was found (no config yet, an unknown authority).</summary>
    public RequestSeries Unknown { get; }

    /// <summary>Captured requests to an unknown address under REGISTRY_ONLY.</summary>
    public RequestSeries BlackHole { get; }

    /// <summary>Captured requests to an unknown address forwarded as they are.</summary>
    public RequestSeries Passthrough { get; }

    /// <summary>A series not owned by any snapshot: the fixed ones above and the inbound listener's.</summary>
    public RequestSeries CreateSeries(string direction, string destinationService, string destinationSubset, string route)
        => new(_requests, _duration, direction, _sourceWorkload, destinationService, destinationSubset, route);

    public void RecordAuthorizationDenied(string policy) => _authorizationDenied.WithLabels(policy).Inc();

    public void RecordRateLimited(string policy) => _rateLimited.WithLabels(policy).Inc();

    /// <summary>Sets the per-cluster gauges from the snapshot being served and removes those of clusters it no longer has.</summary>
    private void UpdateClusterGauges()
    {
        var clusters = _snapshots.Current?.Clusters ?? new Dictionary<string, ClusterRuntime>();
        var now = _time.GetTimestamp();
        foreach (var cluster in clusters.Values)
        {
            _connections.WithLabels(cluster.Name).Set(cluster.Client.OpenConnections);
            _active.WithLabels(cluster.Name).Set(cluster.Stats.InFlight);
            _ejected.WithLabels(cluster.Name).Set(cluster.Endpoints.Count(e => e.Stats.IsEjected(now)));
        }

        foreach (var gauge in (Gauge[])[_connections, _active, _ejected])
        {
            foreach (var labels in gauge.GetAllLabelValues().ToArray())
            {
                if (!clusters.ContainsKey(labels[0]))
                {
                    gauge.RemoveLabelled(labels);
                }
            }
        }
    }
}
