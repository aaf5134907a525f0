using System.Net;
using Mesh.Proxy.Forwarding;
using Mesh.Proxy.Hosting;
using Mesh.Proxy.Lifecycle;
using Mesh.Proxy.Telemetry;
using Mesh.Proxy.Tls;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Proxy.Inbound;

/// <summary>The inbound listener's handler: forwards every request to the application on 127.0.0.1:--app-port.</summary>
internal sealed class InboundProxyMiddleware : IDisposable
{
    private const string Direction = "inbound";

    private readonly IHttpForwarder _forwarder;
    private readonly RequestTelemetry _telemetry;
    private readonly DrainState _drain;
    private readonly TimeProvider _time;
    private readonly string? _appPrefix;
    private readonly HttpMessageInvoker _client;
    private readonly string _service;

    public InboundProxyMiddleware(IHttpForwarder forwarder, RequestTelemetry telemetry, DrainState drain, ProxyOptions options, TimeProvider time)
    {
        _forwarder = forwarder;
        _telemetry = telemetry;
        _drain = drain;
        _time = time;
        _appPrefix = options.AppPort is { } port ? $"http://127.0.0.1:{port}" : null;
        _service = options.SourceWorkload;
        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = System.Diagnostics.DistributedContextPropagator.CreateNoOutputPropagator(),
        });
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var start = _time.GetTimestamp();
        _drain.OnRequestStarted();
        using var activity = ProxyTracing.StartHop(context, Direction, _service);
        try
        {
            if (_appPrefix is null)
            {
                await ProxyResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "mesh proxy: no --app-port configured for inbound traffic");
                return;
            }

            var error = await _forwarder.SendAsync(context, _appPrefix, _client, ForwarderRequestConfig.Empty, new InboundTransformer(activity));
            if (error != ForwarderError.None && !context.RequestAborted.IsCancellationRequested)
            {
                var (status, text) = UpstreamFailureClassifier.Response(UpstreamFailureClassifier.Classify(context, error));
                await ProxyResponses.WriteAsync(context, status, text);
            }
        }
        finally
        {
            _telemetry.Record(context, Direction, start, _service, string.Empty, "inbound", "inbound|app", _appPrefix, 1, activity);
            _drain.OnRequestFinished();
        }
    }

    public void Dispose() => _client.Dispose();

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
