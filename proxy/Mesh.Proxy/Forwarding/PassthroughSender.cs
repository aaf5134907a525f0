using System.Diagnostics;
using System.Net;
using Mesh.Proxy.Clusters;
using Mesh.Proxy.Resilience;
using Mesh.Proxy.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Proxy.Forwarding;

/// <summary>
/// Istio's PassthroughCluster: a captured request the mesh has no route for goes to the address the client
/// connected to, with the Host it sent, as one try without retries. The pooled client belongs to this sender, not
/// to the cluster cache, because no config names it and a config swap must not retire it.
/// </summary>
internal sealed partial class PassthroughSender : IDisposable
{
    /// <summary>The <c>destination_service</c> and cluster label of passthrough traffic (Istio's name).</summary>
    public const string ClusterName = "PassthroughCluster";

    // A client that speaks h2c keeps it upstream (gRPC needs HTTP/2); everything else goes as HTTP/1.1.
    private static readonly ForwarderRequestConfig Http1 = new() { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
    private static readonly ForwarderRequestConfig Http2 = new() { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

    private readonly IHttpForwarder _forwarder;
    private readonly ILogger<PassthroughSender> _logger;
    private readonly UpstreamClient _client;

    public PassthroughSender(IHttpForwarder forwarder, ILogger<PassthroughSender> logger)
    {
        _forwarder = forwarder;
        _logger = logger;
        var settings = new UpstreamSettings(ClusterName, ClusterBuilder.DefaultConnectTimeout, 0, TimeSpan.FromMinutes(1));
        _client = new UpstreamClient(settings.Key, client => UpstreamClientCache.CreateHandler(settings, client, tls: null));
    }

    public async Task ForwardAsync(HttpContext context, string destinationPrefix, Activity? activity, ForwardOutcome outcome)
    {
        outcome.Attempts = 1;
        outcome.UpstreamHost = destinationPrefix;
        var config = HttpProtocol.IsHttp2(context.Request.Protocol) ? Http2 : Http1;
        var transformer = activity is null ? PassthroughRequest.Untraced : new PassthroughRequest(activity);
        if (context.RequestAborted.IsCancellationRequested)
        {
            await DownstreamFault.RespondAsync(context, outcome);
            return;
        }

        var error = await _forwarder.SendAsync(context, destinationPrefix, _client.Invoker, config, transformer, context.RequestAborted);
        if (DownstreamFault.IsClientFault(context, error))
        {
            await DownstreamFault.RespondAsync(context, outcome);
        }
        else if (error != ForwarderError.None)
        {
            var failure = UpstreamFailureClassifier.Classify(context, error);
            LogPassthroughFailed(destinationPrefix, failure, error);
            var (status, text) = UpstreamFailureClassifier.Response(failure);
            await ProxyResponses.WriteAsync(context, status, text);
        }
    }

    public void Dispose() => _client.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Passthrough request to {Destination} failed: {Failure} ({Error})")]
    private partial void LogPassthroughFailed(string destination, UpstreamFailure failure, ForwarderError error);

    private sealed class PassthroughRequest(Activity? activity) : HttpTransformer
    {
        /// <summary>Shared when there is no span to inject, so an untraced request allocates no transformer.</summary>
        public static readonly PassthroughRequest Untraced = new(null);

        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);

            // The upstream is whatever the client addressed; it sees the Host the client sent, not the bare IP.
            if (httpContext.Request.Host.HasValue)
            {
                proxyRequest.Headers.Host = httpContext.Request.Host.Value;
            }

            ProxyTracing.Inject(activity, proxyRequest);
        }
    }
}
