namespace Mesh.Operator.Resources;

public sealed class TrafficPolicySpec
{
    public LoadBalancerSettings? LoadBalancer { get; set; }

    public ConnectionPoolSettings? ConnectionPool { get; set; }

    public OutlierDetectionSpec? OutlierDetection { get; set; }

    public ClientTlsSettings? Tls { get; set; }

    /// <summary>Per destination port: each section an entry sets replaces the inherited section whole.</summary>
    public List<PortTrafficPolicySpec>? PortLevelSettings { get; set; }
}

/// <summary>Istio's <c>TrafficPolicy.PortTrafficPolicy</c>: the sections of a traffic policy for one destination port.</summary>
public sealed class PortTrafficPolicySpec
{
    public PortSelector? Port { get; set; }

    public LoadBalancerSettings? LoadBalancer { get; set; }

    public ConnectionPoolSettings? ConnectionPool { get; set; }

    public OutlierDetectionSpec? OutlierDetection { get; set; }

    public ClientTlsSettings? Tls { get; set; }
}

public sealed class LoadBalancerSettings
{
    /// <summary>ROUND_ROBIN, LEAST_REQUEST (the default; LEAST_CONN is Istio's deprecated alias), RANDOM, PASSTHROUGH or PEAK_EWMA.</summary>
    public string? Simple { get; set; }

    public ConsistentHashSettings? ConsistentHash { get; set; }

    public LocalityLbSettings? LocalityLbSetting { get; set; }

    /// <summary>Istio's ZoneAwareLoadBalancerSetting; not with <see cref="LocalityLbSetting"/>.</summary>
    public ZoneAwareLbSettings? ZoneAwareLbSetting { get; set; }
}

/// <summary>
/// Istio's zone-aware balancing: the proxy's own region first (its zone, then the rest of the region), then the
/// <c>failover</c> region, then any; <c>failoverPriority</c> labels rank endpoints before that.
/// </summary>
public sealed class ZoneAwareLbSettings
{
    /// <summary>Unset or true turns it on; false off.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Region to region only: zones and subzones are ordered by themselves.</summary>
    public List<LocalityFailover>? Failover { get; set; }

    public List<string>? FailoverPriority { get; set; }

    /// <summary>Envoy's minimum endpoints in the local region for zone routing; accepted and not applied (see the README).</summary>
    public long? MinClusterSize { get; set; }
}

/// <summary>Istio's LocalityLoadBalancerSetting: weighted distribution over localities, or failover between them.</summary>
public sealed class LocalityLbSettings
{
    public List<LocalityDistribute>? Distribute { get; set; }

    public List<LocalityFailover>? Failover { get; set; }

    public List<string>? FailoverPriority { get; set; }

    /// <summary>False turns locality-aware balancing off for this host (it is on by default with outlier detection).</summary>
    public bool? Enabled { get; set; }
}

public sealed class LocalityDistribute
{
    public string? From { get; set; }

    /// <summary>Locality → percent of the traffic; the weights sum to 100.</summary>
    public Dictionary<string, int>? To { get; set; }
}

public sealed class LocalityFailover
{
    public string? From { get; set; }

    public string? To { get; set; }
}

public sealed class ConsistentHashSettings
{
    public string? HttpHeaderName { get; set; }

    public HttpCookieSettings? HttpCookie { get; set; }

    public bool? UseSourceIp { get; set; }

    /// <summary>Deprecated by Istio in favour of <see cref="RingHash"/>; the same setting.</summary>
    public long? MinimumRingSize { get; set; }

    public RingHashSettings? RingHash { get; set; }

    public MaglevSettings? Maglev { get; set; }
}

public sealed class RingHashSettings
{
    /// <summary>1024 by default.</summary>
    public long? MinimumRingSize { get; set; }
}

public sealed class MaglevSettings
{
    /// <summary>A prime below 5000011 (Envoy's default is 65537).</summary>
    public long? TableSize { get; set; }
}

public sealed class HttpCookieSettings
{
    public string? Name { get; set; }

    public string? Path { get; set; }

    public string? Ttl { get; set; }

    public List<HttpCookieAttribute>? Attributes { get; set; }
}

public sealed class HttpCookieAttribute
{
    public string? Name { get; set; }

    public string? Value { get; set; }
}

public sealed class ConnectionPoolSettings
{
    public TcpSettings? Tcp { get; set; }

    public HttpSettings? Http { get; set; }
}

public sealed class TcpSettings
{
    public int? MaxConnections { get; set; }

    public string? ConnectTimeout { get; set; }

    /// <summary>A connection is not reused once this old; no limit by default.</summary>
    public string? MaxConnectionDuration { get; set; }

    public TcpKeepaliveSettings? TcpKeepalive { get; set; }

    /// <summary>An L4 (tcp/tls route) connection with no bytes either way for this long is closed; 1 hour by default, 0s never.</summary>
    public string? IdleTimeout { get; set; }
}

/// <summary>TCP keepalive on upstream connections; an unset field keeps the operating system's default.</summary>
public sealed class TcpKeepaliveSettings
{
    public int? Probes { get; set; }

    public string? Time { get; set; }

    public string? Interval { get; set; }
}

public sealed class HttpSettings
{
    public int? Http1MaxPendingRequests { get; set; }

    public int? Http2MaxRequests { get; set; }

    public int? MaxRequestsPerConnection { get; set; }

    public int? MaxRetries { get; set; }

    public string? IdleTimeout { get; set; }

    /// <summary>DEFAULT, DO_NOT_UPGRADE or UPGRADE (HTTP/2 to the upstream whatever the port's protocol).</summary>
    public string? H2UpgradePolicy { get; set; }

    /// <summary>Accepted and reported as not applied: .NET's HTTP/2 client takes the upstream's own stream limit.</summary>
    public int? MaxConcurrentStreams { get; set; }

    /// <summary>Speak to the upstream in the protocol of the downstream request.</summary>
    public bool? UseClientProtocol { get; set; }

    /// <summary>HTTP/2 PINGs on upstream connections; both fields are required.</summary>
    public Http2KeepAliveSettings? Http2KeepAlive { get; set; }
}

public sealed class Http2KeepAliveSettings
{
    /// <summary>A PING after this long without frames from the upstream.</summary>
    public string? Interval { get; set; }

    /// <summary>The connection is closed when a PING is not answered within this.</summary>
    public string? Timeout { get; set; }
}

public sealed class OutlierDetectionSpec
{
    public int? Consecutive5xxErrors { get; set; }

    public int? ConsecutiveGatewayErrors { get; set; }

    public string? Interval { get; set; }

    public string? BaseEjectionTime { get; set; }

    public int? MaxEjectionPercent { get; set; }

    /// <summary>0..100; ejection stops while fewer than this percentage of the endpoints would be left healthy. 0 by default.</summary>
    public int? MinHealthPercent { get; set; }

    /// <summary>Connect failures, resets and timeouts in a row that eject an endpoint; only with <see cref="SplitExternalLocalOriginErrors"/>.</summary>
    public int? ConsecutiveLocalOriginFailures { get; set; }

    /// <summary>Counts locally originated failures apart from the upstream's 5xx answers, as Envoy's split mode.</summary>
    public bool? SplitExternalLocalOriginErrors { get; set; }
}

public sealed class ClientTlsSettings
{
    /// <summary>DISABLE, SIMPLE, MUTUAL, ISTIO_MUTUAL or MESH_MUTUAL.</summary>
    public string? Mode { get; set; }

    public string? Sni { get; set; }

    public List<string>? SubjectAltNames { get; set; }

    /// <summary>SIMPLE, MUTUAL: PEM file of the roots the server must chain to; the system's when unset.</summary>
    public string? CaCertificates { get; set; }

    /// <summary>MUTUAL: PEM files of the client certificate and its key, on the proxy's machine.</summary>
    public string? ClientCertificate { get; set; }

    public string? PrivateKey { get; set; }

    public bool? InsecureSkipVerify { get; set; }

    /// <summary>
    /// SIMPLE, MUTUAL: a Secret in the proxy's namespace holding the roots and (MUTUAL) the client certificate and
    /// key. Sidecars read it only when the rule has a workloadSelector, as Istio's do; otherwise the file paths apply.
    /// </summary>
    public string? CredentialName { get; set; }
}
