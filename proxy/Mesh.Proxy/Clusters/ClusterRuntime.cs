using Mesh.Api.V1;
using Mesh.Proxy.Balancing;
using Mesh.Proxy.Resilience;
using Mesh.Proxy.Tls;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Proxy.Clusters;

/// <summary>An upstream cluster in runtime form: endpoints, balancer, pooled client, limits and outlier detection.</summary>
internal sealed class ClusterRuntime
{
    public required string Name { get; init; }

    /// <summary>The <c>destination_service</c> metric label.</summary>
    public required string ServiceHost { get; init; }

    /// <summary>The <c>destination_subset</c> metric label.</summary>
    public required string Subset { get; init; }

    public required UpstreamProtocol Protocol { get; init; }

    public required EndpointRuntime[] Endpoints { get; init; }

    public required ILoadBalancer Balancer { get; init; }

    public required UpstreamClient Client { get; init; }

    /// <summary>Client TLS towards this cluster's endpoints; null: always plaintext.</summary>
    public UpstreamTls? Tls { get; init; }

    public required ForwarderRequestConfig RequestConfig { get; init; }

    /// <summary>With useClientProtocol, what HTTP/2 requests are sent with (HTTP/2 upstream); null otherwise.</summary>
    public ForwarderRequestConfig? Http2RequestConfig { get; init; }

    /// <summary>The request config for one request: by its own protocol with useClientProtocol, else the cluster's.</summary>
    public ForwarderRequestConfig RequestConfigFor(HttpRequest request) =>
        Http2RequestConfig is { } http2 && HttpProtocol.IsHttp2(request.Protocol) ? http2 : RequestConfig;

    /// <summary>Requests in flight above which new ones get an immediate 503 (0: unlimited).</summary>
    public required int MaxRequests { get; init; }

    /// <summary>Retries in flight above which no more are started (0: unlimited).</summary>
    public required int MaxRetries { get; init; }

    public required OutlierDetector? OutlierDetector { get; init; }

    public required ClusterStats Stats { get; init; }

    /// <summary>The metrics of a captured request to one of these endpoints' addresses that no virtual host routes.</summary>
    public required Telemetry.RequestSeries UnroutedMetrics { get; init; }
}
