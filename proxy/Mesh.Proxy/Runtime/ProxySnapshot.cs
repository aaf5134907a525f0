using Mesh.Api.V1;
using Mesh.Proxy.Authorization;
using Mesh.Proxy.Clusters;
using Mesh.Proxy.RateLimiting;
using Mesh.Proxy.Routing;
using Mesh.Proxy.Telemetry;

namespace Mesh.Proxy.Runtime;

/// <summary>One applied config in runtime form. Immutable; a new config builds a new snapshot that replaces it whole.</summary>
internal sealed class ProxySnapshot
{
    public ProxySnapshot(string version, ProxyConfig config, HostTable hosts, DestinationAddressTable addresses, IReadOnlyDictionary<string, ClusterRuntime> clusters)
    {
        Version = version;
        Config = config;
        Hosts = hosts;
        Addresses = addresses;
        Clusters = clusters;
    }

    public string Version { get; }

    /// <summary>The config as received, for /config_dump. Never mutated.</summary>
    public ProxyConfig Config { get; }

    public HostTable Hosts { get; }

    /// <summary>Services by cluster IP and endpoint address, for captured connections whose Host names no virtual host.</summary>
    public DestinationAddressTable Addresses { get; }

    public IReadOnlyDictionary<string, ClusterRuntime> Clusters { get; }

    /// <summary>The outbound L4 service ports (TCP forwarding, TLS passthrough).</summary>
    public Tcp.TcpListenerTable TcpListeners { get; init; } = Tcp.TcpListenerTable.Empty;

    /// <summary>The inbound authorization policies, compiled.</summary>
    public AuthorizationEngine Authorization { get; init; } = AuthorizationEngine.AllowAll;

    /// <summary>The inbound rate limits; their buckets outlive the snapshot while their policy is unchanged.</summary>
    public RateLimiterSet RateLimits { get; init; } = RateLimiterSet.None;

    /// <summary>The request metrics its routes and clusters are bound to; the next snapshot takes over the ones it keeps.</summary>
    public RequestSeriesSet RequestMetrics { get; init; } = RequestSeriesSet.Empty;
}
