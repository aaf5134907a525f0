using Mesh.Proxy.Capture;
using Mesh.Proxy.Lifecycle;
using Mesh.Proxy.Routing;
using Mesh.Proxy.Runtime;
using Mesh.Proxy.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Forwarding;

/// <summary>
/// The outbound listener's request handler: virtual host by Host/authority, first matching route, then CORS,
/// fault injection, redirect or forwarding (with mirroring, timeouts and retries). A captured connection whose
/// Host names no virtual host is routed by its original destination instead (<see cref="IOriginalDestinationFeature"/>).
/// </summary>
internal sealed class OutboundProxyMiddleware
{
    /// <summary>Istio's name for where REGISTRY_ONLY sends unknown destinations.</summary>
    private const string BlackHoleCluster = "BlackHoleCluster";

    private readonly SnapshotHolder _snapshots;
    private readonly UpstreamSender _sender;
    private readonly PassthroughSender _passthrough;
    private readonly RequestTelemetry _telemetry;
    private readonly ProxyMetrics _metrics;
    private readonly DrainState _drain;
    private readonly TimeProvider _time;

    public OutboundProxyMiddleware(SnapshotHolder snapshots, UpstreamSender sender, PassthroughSender passthrough, RequestTelemetry telemetry, ProxyMetrics metrics, DrainState drain, TimeProvider time)
    {
        _snapshots = snapshots;
        _sender = sender;
        _passthrough = passthrough;
        _telemetry = telemetry;
        _metrics = metrics;
        _drain = drain;
        _time = time;
    }

    // One async method from here to the upstream sender on the plain forwarding path: every async layer that waits
    // for the upstream costs a state machine box per request (build/bench/RESULTS.md, round 4).
    public async Task InvokeAsync(HttpContext context)
    {
        var start = _time.GetTimestamp();
        _drain.OnRequestStarted();
        try
        {
            if (_drain.IsDraining)
            {
                context.Response.Headers.Connection = "close";
            }

            var snapshot = _snapshots.Current;
            if (snapshot is null)
            {
                await ProxyResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "mesh proxy: no config applied yet");
                _telemetry.Record(context, _metrics.Unknown, start, null, null, 0, null);
                return;
            }

            var facts = new RequestFacts(context.Request);
            var host = snapshot.Hosts.Find(facts.Authority);
            var original = host is null ? context.Features.Get<IOriginalDestinationFeature>() : null;
            if (original is not null)
            {
                host = snapshot.Addresses.FindHost(original.EndPoint);
                if (host is null)
                {
                    await ForwardUnroutedAsync(context, snapshot, original, start);
                    return;
                }
            }

            if (host is null)
            {
                await ProxyResponses.WriteAsync(context, StatusCodes.Status404NotFound, $"mesh proxy: no virtual host for authority '{facts.Authority}'");
                _telemetry.Record(context, _metrics.Unknown, start, null, null, 0, null);
                return;
            }

            var route = host.Select(facts, out var block);
            if (route is null)
            {
                await ProxyResponses.WriteAsync(context, StatusCodes.Status404NotFound, $"mesh proxy: no route of '{host.Name}' matches {facts.Method} {facts.Path}");
                _telemetry.Record(context, host.Unmatched, start, null, null, 0, null);
                return;
            }

            using var activity = ProxyTracing.StartHop(context, ProxyMetrics.Outbound, host.Name);
            var destination = route.Destinations?.Pick();
            var outcome = new ForwardOutcome();
            try
            {
                await RouteAsync(context, route, block, destination, activity, outcome);
            }
            finally
            {
                _telemetry.Record(context, destination?.Metrics ?? route.Metrics, start, destination?.Cluster.Name, outcome.UpstreamHost, outcome.Attempts, activity,
                    outcome.ResponseFlags, outcome.ResponseCodeDetails);
            }
        }
        finally
        {
            _drain.OnRequestFinished();
        }
    }

    /// <summary>
    /// A captured connection to an address that is no Service's cluster IP. A known endpoint keeps its address (as
    /// for a headless Service) and is counted as its service; anything else is Istio's PassthroughCluster, or with
    /// REGISTRY_ONLY its BlackHoleCluster (502).
    /// </summary>
    private async Task ForwardUnroutedAsync(HttpContext context, ProxySnapshot snapshot, IOriginalDestinationFeature original, long start)
    {
        var cluster = snapshot.Addresses.FindEndpointCluster(original.EndPoint);
        if (cluster is null && snapshot.Config.OutboundTrafficPolicy == Api.V1.OutboundTrafficPolicy.RegistryOnly)
        {
            await ProxyResponses.WriteAsync(context, StatusCodes.Status502BadGateway, $"mesh proxy: {original.EndPoint} is not a mesh destination and the outbound traffic policy is REGISTRY_ONLY");
            _telemetry.Record(context, _metrics.BlackHole, start, BlackHoleCluster, null, 0, null);
            return;
        }

        var service = cluster?.ServiceHost ?? PassthroughSender.ClusterName;
        using var activity = ProxyTracing.StartHop(context, ProxyMetrics.Outbound, service);
        var outcome = new ForwardOutcome();
        try
        {
            await _passthrough.ForwardAsync(context, original.DestinationPrefix, activity, outcome);
        }
        finally
        {
            _telemetry.Record(context, cluster?.UnroutedMetrics ?? _metrics.Passthrough, start,
                cluster?.Name ?? PassthroughSender.ClusterName, outcome.UpstreamHost, outcome.Attempts, activity, outcome.ResponseFlags, outcome.ResponseCodeDetails);
        }
    }

    private Task RouteAsync(HttpContext context, MeshRoute route, RouteMatchBlock? block, WeightedDestination? destination, System.Diagnostics.Activity? activity, ForwardOutcome outcome)
    {
        if (route.Cors is { } cors && CorsPolicy.IsPreflight(context.Request))
        {
            return cors.RespondToPreflightAsync(context);
        }

        return route.Fault is { } fault
            ? InjectFaultOrRespondAsync(context, fault, route, block, destination, activity, outcome)
            : RespondAsync(context, route, block, destination, activity, outcome);
    }

    private async Task InjectFaultOrRespondAsync(HttpContext context, FaultPolicy fault, MeshRoute route, RouteMatchBlock? block, WeightedDestination? destination, System.Diagnostics.Activity? activity, ForwardOutcome outcome)
    {
        if (!await fault.InjectAsync(context, _time, context.RequestAborted))
        {
            await RespondAsync(context, route, block, destination, activity, outcome);
        }
    }

    private Task RespondAsync(HttpContext context, MeshRoute route, RouteMatchBlock? block, WeightedDestination? destination, System.Diagnostics.Activity? activity, ForwardOutcome outcome)
    {
        if (route.Redirect is { } redirect)
        {
            return redirect.RespondAsync(context, block);
        }

        if (route.DirectResponse is { } direct)
        {
            return direct.RespondAsync(context);
        }

        var transformer = new ForwardingRequest(context, route, block, destination!, activity);
        return _sender.ForwardAsync(context, route, block, destination!, transformer, outcome);
    }
}
