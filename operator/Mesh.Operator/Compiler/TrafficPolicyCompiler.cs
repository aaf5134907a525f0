using Mesh.Api.V1;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Compiler;

/// <summary>
/// Turns a DestinationRule traffic policy into cluster settings. The policy of one cluster (a port, maybe a subset) is
/// resolved as Istio merges it: the rule's top-level sections, replaced by the sections its portLevelSettings entry
/// for the port sets, then by the subset's sections, then by the subset's own entry for the port. Each of
/// loadBalancer, connectionPool, outlierDetection and tls replaces the inherited one whole. Outlier detection given
/// partially gets Istio's defaults for the rest.
/// </summary>
internal static class TrafficPolicyCompiler
{
    public const uint DefaultConsecutive5xxErrors = 5;
    public const uint DefaultMaxEjectionPercent = 10;
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultBaseEjectionTime = TimeSpan.FromSeconds(30);

    // Messages that thousands of clusters carry unchanged, one instance for all of them: a compiled cluster is never
    // modified, and each message less is one object less that every collection during a compile has to copy.
    private static readonly Google.Protobuf.WellKnownTypes.Duration DefaultIntervalMessage = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(DefaultInterval);
    private static readonly Google.Protobuf.WellKnownTypes.Duration DefaultBaseEjectionTimeMessage = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(DefaultBaseEjectionTime);
    private static readonly LocalityLbSetting PriorityFailover = new() { FailoverByPriority = true };

    /// <summary>The policy in force for <paramref name="port"/> of the host (and of a subset, when given).</summary>
    public static TrafficPolicySpec? Resolve(TrafficPolicySpec? top, TrafficPolicySpec? subset, int port)
    {
        var policy = AtPort(top, port);
        if (subset is null)
        {
            return policy;
        }

        policy = Overlay(policy, subset.LoadBalancer, subset.ConnectionPool, subset.OutlierDetection, subset.Tls);
        return PortEntry(subset, port) is { } entry
            ? Overlay(policy, entry.LoadBalancer, entry.ConnectionPool, entry.OutlierDetection, entry.Tls)
            : policy;
    }

    private static TrafficPolicySpec? AtPort(TrafficPolicySpec? policy, int port)
    {
        if (policy?.PortLevelSettings is not { Count: > 0 })
        {
            // The common case, no per-port entries: the policy as written, without a copy.
            return policy;
        }

        var own = Overlay(null, policy.LoadBalancer, policy.ConnectionPool, policy.OutlierDetection, policy.Tls);
        return PortEntry(policy, port) is { } entry
            ? Overlay(own, entry.LoadBalancer, entry.ConnectionPool, entry.OutlierDetection, entry.Tls)
            : own;
    }

    // Validation rejects two entries for one port; the first wins should one get through.
    private static PortTrafficPolicySpec? PortEntry(TrafficPolicySpec policy, int port) =>
        policy.PortLevelSettings?.Find(p => p?.Port?.Number == port);

    private static TrafficPolicySpec Overlay(
        TrafficPolicySpec? inherited,
        LoadBalancerSettings? loadBalancer,
        ConnectionPoolSettings? connectionPool,
        OutlierDetectionSpec? outlierDetection,
        ClientTlsSettings? tls) =>
        new()
        {
            LoadBalancer = loadBalancer ?? inherited?.LoadBalancer,
            ConnectionPool = connectionPool ?? inherited?.ConnectionPool,
            OutlierDetection = outlierDetection ?? inherited?.OutlierDetection,
            Tls = tls ?? inherited?.Tls,
        };

    /// <param name="credentials">A rule with a workloadSelector: tls.credentialName is read; otherwise it is not (Istio's sidecars).</param>
    public static void Apply(Cluster cluster, TrafficPolicySpec? policy, RuleCredentials? credentials = null)
    {
        cluster.LoadBalancer = LoadBalancer(policy?.LoadBalancer);
        cluster.LoadBalancer.LocalityLbSetting = policy?.LoadBalancer?.ZoneAwareLbSetting is { } zoneAware
            ? ZoneAwareLb(zoneAware)
            : LocalityLb(policy?.LoadBalancer?.LocalityLbSetting, policy?.OutlierDetection is not null);
        if (policy?.ConnectionPool is { } pool)
        {
            cluster.ConnectionPool = ConnectionPool(pool);
        }

        if (policy?.OutlierDetection is { } outlier)
        {
            cluster.OutlierDetection = new OutlierDetection
            {
                Consecutive5XxErrors = (uint?)outlier.Consecutive5xxErrors ?? DefaultConsecutive5xxErrors,
                ConsecutiveGatewayErrors = (uint)(outlier.ConsecutiveGatewayErrors ?? 0),
                Interval = outlier.Interval is null ? DefaultIntervalMessage : Durations.Parse(outlier.Interval),
                BaseEjectionTime = outlier.BaseEjectionTime is null ? DefaultBaseEjectionTimeMessage : Durations.Parse(outlier.BaseEjectionTime),
                MaxEjectionPercent = (uint?)outlier.MaxEjectionPercent ?? DefaultMaxEjectionPercent,
                MinHealthPercent = (uint)(outlier.MinHealthPercent ?? 0),
                SplitExternalLocalOriginErrors = outlier.SplitExternalLocalOriginErrors == true,

                // Istio passes the count on only in split mode; Envoy's default (5) applies otherwise.
                ConsecutiveLocalOriginFailures = outlier.SplitExternalLocalOriginErrors == true ? (uint)(outlier.ConsecutiveLocalOriginFailures ?? 0) : 0,
            };
        }

        if (policy?.Tls is { } tls)
        {
            var clientTls = new ClientTls
            {
                Mode = tls.Mode switch
                {
                    "DISABLE" => ClientTls.Types.Mode.Disable,
                    "SIMPLE" => ClientTls.Types.Mode.Simple,
                    "MUTUAL" => ClientTls.Types.Mode.Mutual,
                    "ISTIO_MUTUAL" or "MESH_MUTUAL" => ClientTls.Types.Mode.MeshMutual,
                    _ => ClientTls.Types.Mode.Auto,
                },
                Sni = tls.Sni ?? "",
                CaCertificates = tls.CaCertificates ?? "",
                ClientCertificate = tls.ClientCertificate ?? "",
                PrivateKey = tls.PrivateKey ?? "",
                InsecureSkipVerify = tls.InsecureSkipVerify == true,
            };
            clientTls.SubjectAltNames.AddRange(tls.SubjectAltNames ?? []);
            credentials?.Fill(clientTls, tls);
            cluster.Tls = clientTls;
        }
    }

    private static LoadBalancer LoadBalancer(LoadBalancerSettings? settings)
    {
        var lb = new LoadBalancer
        {
            Simple = settings?.Simple switch
            {
                "ROUND_ROBIN" => Api.V1.LoadBalancer.Types.Simple.RoundRobin,
                "RANDOM" => Api.V1.LoadBalancer.Types.Simple.Random,
                "PASSTHROUGH" => Api.V1.LoadBalancer.Types.Simple.Passthrough,
                "PEAK_EWMA" => Api.V1.LoadBalancer.Types.Simple.PeakEwma,
                _ => Api.V1.LoadBalancer.Types.Simple.LeastRequest,
            },
        };
        if (settings?.ConsistentHash is { } hash)
        {
            var consistentHash = new ConsistentHash
            {
                MinimumRingSize = (uint)Math.Clamp(hash.RingHash?.MinimumRingSize ?? hash.MinimumRingSize ?? 0, 0, uint.MaxValue),
                MaglevTableSize = (uint)Math.Clamp(hash.Maglev?.TableSize ?? 0, 0, uint.MaxValue),
            };
            if (hash.HttpHeaderName is { } header)
            {
                consistentHash.HttpHeaderName = header.ToLowerInvariant();
            }
            else if (hash.HttpCookie is { } cookie)
            {
                consistentHash.HttpCookie = new ConsistentHash.Types.Cookie
                {
                    Name = cookie.Name ?? "",
                    Path = cookie.Path ?? "",
                    Ttl = cookie.Ttl is null ? null : Durations.Parse(cookie.Ttl),
                };
                foreach (var attribute in cookie.Attributes ?? [])
                {
                    consistentHash.HttpCookie.Attributes.Add(new ConsistentHash.Types.CookieAttribute { Name = attribute.Name ?? "", Value = attribute.Value ?? "" });
                }
            }
            else
            {
                consistentHash.UseSourceIp = true;
            }

            lb.ConsistentHash = consistentHash;
        }

        return lb;
    }

    /// <summary>
    /// Istio's rules: distribute applies as given; priority failover by locality (with the failover regions and
    /// failoverPriority labels) only with outlier detection, where it is on unless the setting says enabled: false.
    /// </summary>
    private static LocalityLbSetting? LocalityLb(LocalityLbSettings? settings, bool outlierDetection)
    {
        if (settings?.Enabled == false)
        {
            return null;
        }

        if (settings?.Distribute is { Count: > 0 } distribute)
        {
            var proto = new LocalityLbSetting();
            foreach (var entry in distribute)
            {
                var item = new LocalityLbSetting.Types.Distribute { From = entry?.From ?? "" };
                foreach (var (to, weight) in (entry?.To ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    item.To.Add(to, (uint)Math.Max(0, weight));
                }

                proto.Distribute.Add(item);
            }

            return proto;
        }

        if (!outlierDetection)
        {
            return null;
        }

        if (settings is null || (settings.Failover is not { Count: > 0 } && settings.FailoverPriority is not { Count: > 0 }))
        {
            return PriorityFailover;
        }

        var failover = new LocalityLbSetting { FailoverByPriority = true };
        foreach (var entry in settings.Failover ?? [])
        {
            failover.Failover.Add(new LocalityLbSetting.Types.Failover { From = entry?.From ?? "", To = entry?.To ?? "" });
        }

        failover.FailoverPriority.AddRange((settings.FailoverPriority ?? []).Where(label => !string.IsNullOrEmpty(label)));
        return failover;
    }

    /// <summary>
    /// Zone-aware balancing as priority failover by locality: the proxy's zone, then the rest of its region, then
    /// the failover region, then any; unlike localityLbSetting, on whether or not outlier detection is set, since
    /// Istio always partitions by region here.
    /// </summary>
    private static LocalityLbSetting? ZoneAwareLb(ZoneAwareLbSettings settings)
    {
        if (settings.Enabled == false)
        {
            return null;
        }

        if (settings.Failover is not { Count: > 0 } && settings.FailoverPriority is not { Count: > 0 })
        {
            return PriorityFailover;
        }

        var failover = new LocalityLbSetting { FailoverByPriority = true };
        foreach (var entry in settings.Failover ?? [])
        {
            failover.Failover.Add(new LocalityLbSetting.Types.Failover { From = entry?.From ?? "", To = entry?.To ?? "" });
        }

        failover.FailoverPriority.AddRange((settings.FailoverPriority ?? []).Where(label => !string.IsNullOrEmpty(label)));
        return failover;
    }

    private static ConnectionPool ConnectionPool(ConnectionPoolSettings pool) => new()
    {
        Http2KeepaliveInterval = pool.Http?.Http2KeepAlive?.Interval is { } ping ? Durations.Parse(ping) : null,
        Http2KeepaliveTimeout = pool.Http?.Http2KeepAlive?.Timeout is { } pingTimeout ? Durations.Parse(pingTimeout) : null,
        TcpIdleTimeout = pool.Tcp?.IdleTimeout is { } tcpIdle ? Durations.Parse(tcpIdle) : null,
        H2Upgrade = pool.Http?.H2UpgradePolicy == "UPGRADE",
        UseClientProtocol = pool.Http?.UseClientProtocol == true,
        MaxConnectionDuration = pool.Tcp?.MaxConnectionDuration is { } age ? Durations.Parse(age) : null,
        TcpKeepalive = pool.Tcp?.TcpKeepalive is { } keepalive
            ? new TcpKeepalive
            {
                Probes = (uint)(keepalive.Probes ?? 0),
                Time = keepalive.Time is null ? null : Durations.Parse(keepalive.Time),
                Interval = keepalive.Interval is null ? null : Durations.Parse(keepalive.Interval),
            }
            : null,
        MaxConnections = (uint)(pool.Tcp?.MaxConnections ?? 0),
        ConnectTimeout = pool.Tcp?.ConnectTimeout is { } connect ? Durations.Parse(connect) : null,
        Http1MaxPendingRequests = (uint)(pool.Http?.Http1MaxPendingRequests ?? 0),
        Http2MaxRequests = (uint)(pool.Http?.Http2MaxRequests ?? 0),
        MaxRequestsPerConnection = (uint)(pool.Http?.MaxRequestsPerConnection ?? 0),
        Http2MaxConcurrentStreams = (uint)(pool.Http?.MaxConcurrentStreams ?? 0),
        MaxRetries = (uint)(pool.Http?.MaxRetries ?? 0),
        IdleTimeout = pool.Http?.IdleTimeout is { } idle ? Durations.Parse(idle) : null,
    };
}
