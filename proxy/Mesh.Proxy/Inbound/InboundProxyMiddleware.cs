using System.Net;
using Mesh.Proxy.Authorization;
using Mesh.Proxy.Forwarding;
using Mesh.Proxy.Hosting;
using Mesh.Proxy.Lifecycle;
using Mesh.Proxy.RateLimiting;
using Mesh.Proxy.Runtime;
using Mesh.Proxy.Telemetry;
using Mesh.Proxy.Tls;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Proxy.Inbound;

/// <summary>
/// The inbound listener's handler: authorizes each request, applies the rate limits, and forwards what passes to
/// the application on 127.0.0.1:--app-port.
/// </summary>
internal sealed class InboundProxyMiddleware : IDisposable
{
    private readonly IHttpForwarder _forwarder;
    private readonly RequestTelemetry _telemetry;
    private readonly DrainState _drain;
    private readonly TimeProvider _time;
    private readonly SnapshotHolder _snapshots;
    private readonly ProxyMetrics _metrics;
    private readonly PeerIdentityCache _peers = new();
    private readonly int? _appPort;
    private readonly string? _appPrefix;
    private readonly HttpMessageInvoker _client;
    private readonly string _service;
    private readonly RequestSeries _requestMetrics;

    public InboundProxyMiddleware(
        IHttpForwarder forwarder, RequestTelemetry telemetry, DrainState drain, ProxyOptions options, TimeProvider time, SnapshotHolder snapshots, ProxyMetrics metrics)
    {
        _forwarder = forwarder;
        _telemetry = telemetry;
        _drain = drain;
        _time = time;
        _snapshots = snapshots;
        _metrics = metrics;
        _appPort = options.AppPort;
        _appPrefix = options.AppPort is { } port ? $"http://127.0.0.1:{port}" : null;
        _service = options.SourceWorkload;
        _requestMetrics = metrics.CreateSeries(ProxyMetrics.Inbound, _service, string.Empty, "inbound");
        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
        });
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var start = _time.GetTimestamp();
        _drain.OnRequestStarted();
        using var activity = ProxyTracing.StartHop(context, ProxyMetrics.Inbound, _service);
        string? flags = null;
        string? details = null;
        var forwarded = false;
        try
        {
            if (_snapshots.Current is { } snapshot)
            {
                (flags, details) = await AdmitAsync(context, snapshot);
                if (flags is not null)
                {
                    return;
                }
            }

            if (_appPrefix is null)
            {
                await ProxyResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "mesh proxy: no --app-port configured for inbound traffic");
                return;
            }

            var error = context.RequestAborted.IsCancellationRequested
                ? ForwarderError.RequestCanceled
                : await _forwarder.SendAsync(context, _appPrefix, _client, ForwarderRequestConfig.Empty, new InboundTransformer(activity));
            if (DownstreamFault.IsClientFault(context, error))
            {
                var outcome = new ForwardOutcome();
                await DownstreamFault.RespondAsync(context, outcome);
                (flags, details) = (outcome.ResponseFlags, outcome.ResponseCodeDetails);
                forwarded = true;
            }
            else if (error != ForwarderError.None)
            {
                var (status, text) = UpstreamFailureClassifier.Response(UpstreamFailureClassifier.Classify(context, error));
                await ProxyResponses.WriteAsync(context, status, text);
            }
        }
        finally
        {
            _telemetry.Record(context, _requestMetrics, start, "inbound|app", _appPrefix, flags is null || forwarded ? 1 : 0, activity, flags, details);
            _drain.OnRequestFinished();
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// Authorization, then the rate limits, so that a denied request takes no token. Answers a rejected request and
    /// returns its access-log response flag and details; both null when the request may go on.
    /// </summary>
    private async ValueTask<(string? Flags, string? Details)> AdmitAsync(HttpContext context, ProxySnapshot snapshot)
    {
        // The port the request is for is the application's (the original destination port under iptables capture,
        // which is the app port the sidecar serves); the listener's own port only when no app port is configured.
        var request = new AuthorizationRequest(
            _peers.Resolve(context.Connection.ClientCertificate),
            context.Request.Method,
            context.Request.Path.Value ?? string.Empty,
            _appPort ?? context.Connection.LocalPort);
        var decision = snapshot.Authorization.Evaluate(request);
        if (!decision.IsAllowed)
        {
            _metrics.RecordAuthorizationDenied(decision.PolicyName);
            await AccessDeniedResponse.WriteAsync(context);
            return (AccessDeniedResponse.ResponseFlag, decision.DeniedDetails);
        }

        if (!snapshot.RateLimits.TryAcquire(_time.GetTimestamp(), out var bucket, out var wait))
        {
            _metrics.RecordRateLimited(bucket.Name);
            await RateLimitedResponse.WriteAsync(context, RateLimitedResponse.RetryAfterSeconds(wait, bucket.Frequency));
            return (RateLimitedResponse.ResponseFlag, RateLimitedResponse.ResponseCodeDetails);
        }

        return (null, null);
    }

    private sealed class InboundTransformer(System.Diagnostics.Activity? activity) : HttpTransformer
    {
        private const string ForwardedClientCertHeader = "x-forwarded-client-cert";

        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            proxyRequest.Headers.Host = httpContext.Request.Host.Value;

            // Envoy's SANITIZE_SET: the app learns the mTLS peer from the proxy, never from what a client claims.
            proxyRequest.Headers.Remove(ForwardedClientCertHeader);
            if (httpContext.Features.Get<IMeshTlsConnectionFeature>() is { } mtls)
            {
                proxyRequest.Headers.TryAddWithoutValidation(ForwardedClientCertHeader, mtls.ForwardedClientCert);
            }
            ProxyTracing.Inject(activity, proxyRequest);
        }
    }
}
