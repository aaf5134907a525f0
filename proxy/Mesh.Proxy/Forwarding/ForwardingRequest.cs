using System.Diagnostics;
using Mesh.Proxy.Clusters;
using Mesh.Proxy.Resilience;
using Mesh.Proxy.Routing;
using Mesh.Proxy.Telemetry;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Proxy.Forwarding;

/// <summary>
/// The per-request transformer: shapes each try's upstream request (path rewrite, authority, header operations,
/// trace context) and decides whether an upstream answer goes to the client or is held back for a retry.
/// </summary>
internal sealed class ForwardingRequest : HttpTransformer
{
    private readonly MeshRoute _route;
    private readonly WeightedDestination _destination;
    private readonly string? _rewrittenAuthority;
    private readonly string? _pathAndQuery;
    private readonly Activity? _activity;
    private RetryPolicy? _holdBackFor;
    private ClusterRuntime? _cluster;

    public ForwardingRequest(HttpContext context, MeshRoute route, RouteMatchBlock? block, WeightedDestination destination, Activity? activity)
    {
        _route = route;
        _destination = destination;
        _activity = activity;
        _rewrittenAuthority = route.RewriteAuthority;
        var path = context.Request.Path.Value ?? "/";
        var rewritten = route.RewritePath(path, block);
        _pathAndQuery = ReferenceEquals(rewritten, path) ? null : rewritten + context.Request.QueryString.Value;
    }

    /// <summary>The status of the last try's upstream answer; 0 when it produced none.</summary>
    public int UpstreamStatus { get; private set; }

    /// <summary>True when the last try's answer was held back (not sent to the client).</summary>
    public bool HeldBack { get; private set; }

    /// <param name="holdBackFor">The route's retry policy when this try's retriable answer may be held back for another
    /// try (a retry slot is then taken from <paramref name="cluster"/>); null for the last allowed try.</param>
    public void BeginTry(RetryPolicy? holdBackFor, ClusterRuntime cluster)
    {
        UpstreamStatus = 0;
        HeldBack = false;
        _holdBackFor = holdBackFor;
        _cluster = cluster;
    }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        if (_pathAndQuery is not null)
        {
            proxyRequest.RequestUri = new Uri(destinationPrefix + _pathAndQuery, UriKind.Absolute);
        }

        // Mesh semantics (Envoy's): the upstream sees the authority the client addressed, not the endpoint's address.
        // The base transform has copied the client's Host (HTTP/2's :authority arrives as Host too); setting it
        // again would parse it a second time and allocate per request.
        if (_rewrittenAuthority is not null)
        {
            proxyRequest.Headers.Host = _rewrittenAuthority;
        }

        ProxyTracing.Inject(_activity, proxyRequest);
        _route.Headers.Request.ApplyTo(proxyRequest);
        _destination.Headers.Request.ApplyTo(proxyRequest);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is null)
        {
            return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        }

        UpstreamStatus = (int)proxyResponse.StatusCode;
        if (_holdBackFor is { } retries && retries.IsRetriable(UpstreamStatus, GrpcStatus(proxyResponse)) && UpstreamSender.TryTakeRetry(_cluster!))
        {
            HeldBack = true;
            return false;
        }

        var proceed = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        _route.Headers.Response.ApplyTo(httpContext.Response.Headers);
        _destination.Headers.Response.ApplyTo(httpContext.Response.Headers);
        _route.Cors?.AddResponseHeaders(httpContext);
        return proceed;
    }

    // gRPC failures arrive as HTTP 200 with grpc-status in a Trailers-Only response's headers.
    private static int GrpcStatus(HttpResponseMessage response) =>
        response.Headers.TryGetValues("grpc-status", out var values)
        && int.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var status)
            ? status
            : -1;
}
