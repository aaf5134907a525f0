using System.Diagnostics;
using System.Diagnostics.Metrics;
using Mesh.Proxy.Runtime;

namespace Mesh.Proxy.Telemetry;

/// <summary>The proxy's instruments (DESIGN.md, Observability contract), published on the <see cref="MeterName"/> meter.</summary>
internal sealed class ProxyMetrics : IDisposable
{
    public const string MeterName = "Mesh.Proxy";

    private static readonly string[] StatusCodes = Enumerable.Range(0, 600).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    private static readonly string[] StatusClasses = ["0xx", "1xx", "2xx", "3xx", "4xx", "5xx"];

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _authorizationDenied;
    private readonly Counter<long> _rateLimited;

    public ProxyMetrics(SnapshotHolder snapshots, TimeProvider time)
    {
        Meter = new Meter(MeterName);
        _requests = Meter.CreateCounter<long>("mesh_requests_total", description: "Requests handled by the proxy.");
        _duration = Meter.CreateHistogram<double>("mesh_request_duration_seconds", unit: "s", description: "Request duration as seen by the proxy.");
        _authorizationDenied = Meter.CreateCounter<long>("mesh_proxy_authz_denied_total", description: "Inbound requests denied by authorization, by the DENY policy that matched (empty: no ALLOW policy matched).");
        _rateLimited = Meter.CreateCounter<long>("mesh_proxy_rate_limited_total", description: "Inbound requests rejected by a rate limit, by policy.");
        Meter.CreateObservableGauge("mesh_upstream_connections", () => Observe(snapshots, c => c.Client.OpenConnections), description: "Open upstream connections per cluster.");
        Meter.CreateObservableGauge("mesh_upstream_ejected_endpoints", () => ObserveEjected(snapshots, time), description: "Endpoints ejected by outlier detection per cluster.");
        Meter.CreateObservableGauge("mesh_upstream_requests_active", () => Observe(snapshots, c => c.Stats.InFlight), description: "Requests in flight per cluster.");
    }

    public Meter Meter { get; }

    public void RecordRequest(in RequestLabels labels, int statusCode, double seconds)
    {
        var code = statusCode is >= 0 and < 600 ? StatusCodes[statusCode] : "0";
        var tags = new TagList
        {
            { "direction", labels.Direction },
            { "source_workload", labels.SourceWorkload },
            { "destination_service", labels.DestinationService },
            { "destination_subset", labels.DestinationSubset },
            { "route", labels.Route },
            { "response_code", code },
        };
        _requests.Add(1, tags);

        var durationTags = new TagList
        {
            { "direction", labels.Direction },
            { "source_workload", labels.SourceWorkload },
            { "destination_service", labels.DestinationService },
            { "destination_subset", labels.DestinationSubset },
            { "route", labels.Route },
            { "response_code_class", StatusClasses[statusCode is >= 100 and < 600 ? statusCode / 100 : 0] },
        };
        _duration.Record(seconds, durationTags);
    }

    public void RecordAuthorizationDenied(string policy) => _authorizationDenied.Add(1, new KeyValuePair<string, object?>("policy", policy));

    public void RecordRateLimited(string policy) => _rateLimited.Add(1, new KeyValuePair<string, object?>("policy", policy));

    public void Dispose() => Meter.Dispose();

    private static IEnumerable<Measurement<long>> Observe(SnapshotHolder snapshots, Func<Clusters.ClusterRuntime, long> value) =>
        snapshots.Current is { } snapshot
            ? snapshot.Clusters.Values.Select(c => new Measurement<long>(value(c), new KeyValuePair<string, object?>("cluster", c.Name)))
            : [];

    private static IEnumerable<Measurement<long>> ObserveEjected(SnapshotHolder snapshots, TimeProvider time)
    {
        var now = time.GetTimestamp();
        return Observe(snapshots, c => c.Endpoints.Count(e => e.Stats.IsEjected(now)));
    }
}

/// <summary>The labels every request metric carries.</summary>
internal readonly record struct RequestLabels(string Direction, string SourceWorkload, string DestinationService, string DestinationSubset, string Route);
