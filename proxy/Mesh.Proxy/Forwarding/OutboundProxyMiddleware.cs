using Mesh.Proxy.Lifecycle;
using Mesh.Proxy.Routing;
using Mesh.Proxy.Runtime;
using Mesh.Proxy.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Forwarding;

/// <summary>
/// The outbound listener's request handler: virtual host by Host/authority, first matching route, then CORS,
/// fault injection, redirect or forwarding (with mirroring, timeouts and retries).
/// </summary>
internal sealed class OutboundProxyMiddleware
{
    private const string Direction = "outbound";

    private readonly SnapshotHolder _snapshots;
    private readonly UpstreamSender _sender;
    private readonly RequestTelemetry _telemetry;
    private readonly DrainState _drain;
    private readonly TimeProvider _time;

    public OutboundProxyMiddleware(SnapshotHolder snapshots, UpstreamSender sender, RequestTelemetry telemetry, DrainState drain, TimeProvider time)
    {
        _snapshots = snapshots;
        _sender = sender;
        _telemetry = telemetry;
        _drain = drain;
        _time = time;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var start = _time.GetTimestamp();
        _drain.OnRequestStarted();
        try
        {
            await HandleAsync(context, start);
        }
        finally
        {
            _drain.OnRequestFinished();
        }
    }

    private async Task HandleAsync(HttpContext context, long start)
    {
        if (_drain.IsDraining)
        {
            context.Response.Headers.Connection = "close";
        }

        var snapshot = _snapshots.Current;
        if (snapshot is null)
        {
            await ProxyResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "mesh proxy: no config applied yet");
            _telemetry.Record(context, Direction, start, "unknown", string.Empty, string.Empty, null, null, 0, null);
            return;
        }

        var facts = new RequestFacts(context.Request);
        var host = snapshot.Hosts.Find(facts.Authority);
        if (host is null)
        {
            await ProxyResponses.WriteAsync(context, StatusCodes.Status404NotFound, $"mesh proxy: no virtual host for authority '{facts.Authority}'");
            _telemetry.Record(context, Direction, start, "unknown", string.Empty, string.Empty, null, null, 0, null);
            return;
        }

        var route = host.Select(facts, out var block);
        if (route is null)
        {
            await ProxyResponses.WriteAsync(context, StatusCodes.Status404NotFound, $"mesh proxy: no route of '{host.Name}' matches {facts.Method} {facts.Path}");
            _telemetry.Record(context, Direction, start, host.Name, string.Empty, string.Empty, null, null, 0, null);
            return;
        }

        using var activity = ProxyTracing.StartHop(context, Direction, host.Name);
        var destination = route.Destinations?.Pick();
        var outcome = new ForwardOutcome();
        try
        {
            await RouteAsync(context, route, block, destination, activity, outcome);
        }
        finally
        {
            var cluster = destination?.Cluster;
            _telemetry.Record(context, Direction, start, cluster?.ServiceHost ?? host.Name, cluster?.Subset ?? string.Empty, route.Name,
                cluster?.Name, outcome.UpstreamHost, outcome.Attempts, activity);
        }
    }

    private async Task RouteAsync(HttpContext context, MeshRoute route, RouteMatchBlock? block, WeightedDestination? destination, System.Diagnostics.Activity? activity, ForwardOutcome outcome)
    {
        if (route.Cors is { } cors && CorsPolicy.IsPreflight(context.Request))
        {
            await cors.RespondToPreflightAsync(context);
            return;
        }

        if (route.Fault is { } fault && await fault.InjectAsync(context, _time, context.RequestAborted))
        {
            return;
        }

        if (route.Redirect is { } redirect)
        {
            await redirect.RespondAsync(context);
            return;
        }

        var transformer = new ForwardingRequest(context, route, block, destination!, activity);
        await _sender.ForwardAsync(context, route, block, destination!, transformer, outcome);
    }
}
