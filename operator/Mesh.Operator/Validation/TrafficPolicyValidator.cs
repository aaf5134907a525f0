using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// Checks a traffic policy as Istio does: not empty (<c>trafficPolicy: {}</c>, <c>connectionPool: {}</c> are errors),
/// balancer, pool limits not negative, durations at least 1ms in whole milliseconds, percentages 0-100; each
/// portLevelSettings entry names one port (once) and sets at least one section, checked like the policy's own.
/// </summary>
internal static class TrafficPolicyValidator
{
    public static readonly string[] LoadBalancers = ["ROUND_ROBIN", "LEAST_REQUEST", "LEAST_CONN", "RANDOM", "PASSTHROUGH", "PEAK_EWMA"];

    // Envoy's largest Maglev table.
    private const long MaglevTableLimit = 5_000_011;

    public static readonly string[] H2UpgradePolicies = ["DEFAULT", "DO_NOT_UPGRADE", "UPGRADE"];

    public static readonly string[] TlsModes = ["DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL", "MESH_MUTUAL"];

    public static void Validate(DiagnosticBag bag, TrafficPolicySpec? policy, string path)
    {
        if (policy is null)
        {
            return;
        }

        if (policy.LoadBalancer is null && policy.ConnectionPool is null && policy.OutlierDetection is null && policy.Tls is null && policy.PortLevelSettings is null)
        {
            bag.Error(path, "a traffic policy must set at least one of loadBalancer, connectionPool, outlierDetection, tls or portLevelSettings");
            return;
        }

        CheckSections(bag, policy.LoadBalancer, policy.ConnectionPool, policy.OutlierDetection, policy.Tls, path);
        CheckPortLevelSettings(bag, policy.PortLevelSettings, path + ".portLevelSettings");
    }

    private static void CheckPortLevelSettings(DiagnosticBag bag, List<PortTrafficPolicySpec>? entries, string path)
    {
        Dictionary<int, int>? ports = null;
        for (var i = 0; i < (entries?.Count ?? 0); i++)
        {
            var at = $"{path}[{i}]";
            if (entries![i] is not { } entry)
            {
                bag.Error(at, "a port traffic policy must not be null");
                continue;
            }

            // Istio requires the port; an entry for a port the service does not have, or for a port another entry
            // already names, is accepted (it never applies) and so only warned about here.
            if (entry.Port is null)
            {
                bag.Error(at + ".port", "a port traffic policy must name its port");
            }
            else if (entry.Port.Number is not (>= 1 and <= 65535) || entry.Port.Number is not { } number)
            {
                bag.Warning(at + ".port.number", $"'{entry.Port.Number}' is not a port (1-65535); the entry never applies");
            }
            else if (!(ports ??= []).TryAdd(number, i))
            {
                bag.Warning(at + ".port.number", $"port {number} is also set by {path}[{ports[number]}], which applies instead");
            }

            if (entry.LoadBalancer is null && entry.ConnectionPool is null && entry.OutlierDetection is null && entry.Tls is null)
            {
                bag.Error(at, "a port traffic policy must set at least one of loadBalancer, connectionPool, outlierDetection or tls");
                continue;
            }

            CheckSections(bag, entry.LoadBalancer, entry.ConnectionPool, entry.OutlierDetection, entry.Tls, at);
        }
    }

    private static void CheckSections(DiagnosticBag bag, LoadBalancerSettings? loadBalancer, ConnectionPoolSettings? connectionPool, OutlierDetectionSpec? outlierDetection, ClientTlsSettings? tls, string path)
    {
        if (loadBalancer is { } lb)
        {
            CheckLoadBalancer(bag, lb, path + ".loadBalancer");
            if (lb.LocalityLbSetting is { } locality)
            {
                LocalityLbValidator.Validate(bag, locality, outlierDetection, path + ".loadBalancer.localityLbSetting");
            }

            if (lb.ZoneAwareLbSetting is { } zoneAware)
            {
                ZoneAwareLbValidator.Validate(bag, zoneAware, lb.LocalityLbSetting is not null, outlierDetection, path + ".loadBalancer.zoneAwareLbSetting");
            }
        }

        if (connectionPool is { } pool)
        {
            CheckConnectionPool(bag, pool, path + ".connectionPool");
        }

        if (outlierDetection is { } outlier)
        {
            var o = path + ".outlierDetection";
            ValidationContext.CheckRange(bag, new(o, ".consecutive5xxErrors"), outlier.Consecutive5xxErrors, 0, int.MaxValue);
            ValidationContext.CheckRange(bag, new(o, ".consecutiveGatewayErrors"), outlier.ConsecutiveGatewayErrors, 0, int.MaxValue);
            ValidationContext.CheckDuration(bag, new(o, ".interval"), outlier.Interval);
            ValidationContext.CheckDuration(bag, new(o, ".baseEjectionTime"), outlier.BaseEjectionTime);
            ValidationContext.CheckRange(bag, new(o, ".maxEjectionPercent"), outlier.MaxEjectionPercent, 0, 100);
            ValidationContext.CheckRange(bag, new(o, ".minHealthPercent"), outlier.MinHealthPercent, 0, 100);
            ValidationContext.CheckRange(bag, new(o, ".consecutiveLocalOriginFailures"), outlier.ConsecutiveLocalOriginFailures, 0, int.MaxValue);
            if (outlier.ConsecutiveLocalOriginFailures > 0 && outlier.SplitExternalLocalOriginErrors != true)
            {
                bag.Error(o + ".consecutiveLocalOriginFailures", "consecutiveLocalOriginFailures is set but splitExternalLocalOriginErrors is not true");
            }
        }

        ValidationContext.CheckEnum(bag, new(path, ".tls.mode"), tls?.Mode, TlsModes);
        if (tls is not null)
        {
            CheckExternalTls(bag, tls, path + ".tls");
        }
    }

    private static void CheckLoadBalancer(DiagnosticBag bag, LoadBalancerSettings lb, string path)
    {
        ValidationContext.CheckEnum(bag, new(path, ".simple"), lb.Simple, LoadBalancers);
        if (lb.Simple == "LEAST_CONN")
        {
            bag.Warning(path + ".simple", "LEAST_CONN is deprecated: use LEAST_REQUEST (the same balancer)");
        }

        if (lb.Simple is not null && lb.ConsistentHash is not null)
        {
            bag.Error(path, "exactly one of simple or consistentHash is allowed");
        }

        if (lb.ConsistentHash is not { } hash)
        {
            return;
        }

        var keys = (hash.HttpHeaderName is null ? 0 : 1) + (hash.HttpCookie is null ? 0 : 1) + (hash.UseSourceIp == true ? 1 : 0);
        if (keys != 1)
        {
            bag.Error(path + ".consistentHash", "exactly one of httpHeaderName, httpCookie or useSourceIp is required");
        }

        if (hash.HttpCookie is { } cookie)
        {
            if (string.IsNullOrEmpty(cookie.Name))
            {
                bag.Error(path + ".consistentHash.httpCookie.name", "name is required");
            }

            if (cookie.Ttl is null)
            {
                bag.Error(path + ".consistentHash.httpCookie.ttl", "ttl is required");
            }

            ValidationContext.CheckDuration(bag, new(path, ".consistentHash.httpCookie.ttl"), cookie.Ttl);
            for (var i = 0; i < (cookie.Attributes?.Count ?? 0); i++)
            {
                var name = cookie.Attributes![i]?.Name;
                if (string.IsNullOrEmpty(name))
                {
                    bag.Error($"{path}.consistentHash.httpCookie.attributes[{i}].name", "name is required");
                }
                else if (cookie.Attributes.FindIndex(0, i, a => string.Equals(a?.Name, name, StringComparison.Ordinal)) >= 0)
                {
                    // As Istio: a second SameSite would contradict the first, and which one the cookie gets is unsaid.
                    bag.Error($"{path}.consistentHash.httpCookie.attributes[{i}].name", $"duplicate cookie attribute '{name}'");
                }
            }
        }

        CheckHashTable(bag, hash, path + ".consistentHash");
    }

    // Istio's rules (validateTLS). Whether a sidecar reads credentialName depends on the rule's workloadSelector,
    // which DestinationRuleValidator checks.
    private static void CheckExternalTls(DiagnosticBag bag, ClientTlsSettings tls, string path)
    {
        var hasSans = tls.SubjectAltNames is { Count: > 0 };
        var hasCredential = !string.IsNullOrEmpty(tls.CredentialName);
        if (tls.InsecureSkipVerify == true &&
            ((tls.Mode == "SIMPLE" && (tls.CaCertificates is { Length: > 0 } || hasCredential || hasSans)) ||
             (tls.Mode == "MUTUAL" && (tls.CaCertificates is { Length: > 0 } || hasSans))))
        {
            bag.Error(path + ".insecureSkipVerify", tls.Mode == "SIMPLE"
                ? "caCertificates, credentialName and subjectAltNames cannot be set when insecureSkipVerify is true"
                : "caCertificates and subjectAltNames cannot be set when insecureSkipVerify is true");
        }

        if (tls.Mode is "SIMPLE" or "MUTUAL" && hasCredential)
        {
            if (tls.ClientCertificate is { Length: > 0 } || tls.CaCertificates is { Length: > 0 } || tls.PrivateKey is { Length: > 0 })
            {
                bag.Error(path + ".credentialName", "clientCertificate, privateKey and caCertificates cannot be set when credentialName is set");
            }

            return;
        }

        if (tls.Mode == "MUTUAL")
        {
            if (string.IsNullOrEmpty(tls.ClientCertificate))
            {
                bag.Error(path + ".clientCertificate", "client certificate required for MUTUAL (or a credentialName)");
            }

            if (string.IsNullOrEmpty(tls.PrivateKey))
            {
                bag.Error(path + ".privateKey", "private key required for MUTUAL (or a credentialName)");
            }
        }
        else if (tls.Mode is not ("SIMPLE" or "MUTUAL") && (tls.CaCertificates ?? tls.ClientCertificate ?? tls.PrivateKey ?? tls.CredentialName) is not null)
        {
            bag.Warning(path, "caCertificates, clientCertificate, privateKey and credentialName apply only with mode SIMPLE or MUTUAL; ignored");
        }
    }

    private static void CheckHashTable(DiagnosticBag bag, ConsistentHashSettings hash, string path)
    {
        ValidationContext.CheckRange(bag, new(path, ".minimumRingSize"), hash.MinimumRingSize, 0, uint.MaxValue);
        ValidationContext.CheckRange(bag, new(path, ".ringHash.minimumRingSize"), hash.RingHash?.MinimumRingSize, 0, uint.MaxValue);
        if (hash.MinimumRingSize is > 0)
        {
            bag.Warning(path + ".minimumRingSize", "deprecated: use ringHash.minimumRingSize (the same setting)");
            if (hash.RingHash is not null || hash.Maglev is not null)
            {
                bag.Error(path + ".minimumRingSize", "only one of minimumRingSize, ringHash or maglev can be set");
            }
        }

        if (hash.RingHash is not null && hash.Maglev is not null)
        {
            bag.Error(path, "only one of ringHash or maglev can be set");
        }

        if (hash.Maglev is { } maglev)
        {
            var size = maglev.TableSize ?? 0;
            if (size <= 0)
            {
                bag.Error(path + ".maglev.tableSize", "tableSize must be set for maglev");
            }
            else if (size >= MaglevTableLimit)
            {
                bag.Error(path + ".maglev.tableSize", $"tableSize must be less than {MaglevTableLimit} for maglev");
            }
            else if (!IsPrime(size))
            {
                bag.Error(path + ".maglev.tableSize", $"tableSize must be a prime number for maglev, got {size}");
            }
        }
    }

    private static bool IsPrime(long n)
    {
        if (n < 2)
        {
            return false;
        }

        for (long d = 2; d * d <= n; d++)
        {
            if (n % d == 0)
            {
                return false;
            }
        }

        return true;
    }

    private static void CheckConnectionPool(DiagnosticBag bag, ConnectionPoolSettings pool, string path)
    {
        if (pool.Tcp is null && pool.Http is null)
        {
            bag.Error(path, "a connection pool must set tcp or http");
            return;
        }

        var tcp = path + ".tcp";
        ValidationContext.CheckRange(bag, new(tcp, ".maxConnections"), pool.Tcp?.MaxConnections, 0, int.MaxValue);
        ValidationContext.CheckDuration(bag, new(tcp, ".connectTimeout"), pool.Tcp?.ConnectTimeout);
        var http = path + ".http";
        ValidationContext.CheckRange(bag, new(http, ".http1MaxPendingRequests"), pool.Http?.Http1MaxPendingRequests, 0, int.MaxValue);
        ValidationContext.CheckRange(bag, new(http, ".http2MaxRequests"), pool.Http?.Http2MaxRequests, 0, int.MaxValue);
        ValidationContext.CheckRange(bag, new(http, ".maxRequestsPerConnection"), pool.Http?.MaxRequestsPerConnection, 0, int.MaxValue);
        if (pool.Http?.MaxRequestsPerConnection > 1)
        {
            bag.Warning(http + ".maxRequestsPerConnection", "not applied above 1: sidecars reuse a connection for any number of requests (1, one request per connection, is applied)");
        }

        ValidationContext.CheckRange(bag, new(http, ".maxRetries"), pool.Http?.MaxRetries, 0, int.MaxValue);
        ValidationContext.CheckDuration(bag, new(http, ".idleTimeout"), pool.Http?.IdleTimeout);
        if (pool.Http?.Http2KeepAlive is { } keepAlive)
        {
            CheckRequiredDuration(bag, http + ".http2KeepAlive.interval", keepAlive.Interval);
            CheckRequiredDuration(bag, http + ".http2KeepAlive.timeout", keepAlive.Timeout);
        }

        ValidationContext.CheckEnum(bag, new(http, ".h2UpgradePolicy"), pool.Http?.H2UpgradePolicy, H2UpgradePolicies);
        if (pool.Http?.H2UpgradePolicy == "UPGRADE" && pool.Http.UseClientProtocol == true)
        {
            bag.Error(http + ".useClientProtocol", "useClientProtocol must not be true when h2UpgradePolicy is UPGRADE");
        }

        ValidationContext.CheckRange(bag, new(http, ".maxConcurrentStreams"), pool.Http?.MaxConcurrentStreams, 0, int.MaxValue);

        ValidationContext.CheckDuration(bag, new(tcp, ".maxConnectionDuration"), pool.Tcp?.MaxConnectionDuration);
        ValidationContext.CheckRange(bag, new(tcp, ".tcpKeepalive.probes"), pool.Tcp?.TcpKeepalive?.Probes, 0, int.MaxValue);
        ValidationContext.CheckDuration(bag, new(tcp, ".tcpKeepalive.time"), pool.Tcp?.TcpKeepalive?.Time);
        ValidationContext.CheckDuration(bag, new(tcp, ".tcpKeepalive.interval"), pool.Tcp?.TcpKeepalive?.Interval);

        // 0s turns the idle timeout off (Istio skips its check); anything else is a duration like the others.
        if (pool.Tcp?.IdleTimeout is { } idle && !(Compiler.Durations.TryParse(idle, out var parsed) && parsed.Seconds == 0 && parsed.Nanos == 0))
        {
            ValidationContext.CheckDuration(bag, new(tcp, ".idleTimeout"), idle);
        }
    }

    private static void CheckRequiredDuration(DiagnosticBag bag, string path, string? value)
    {
        if (value is null)
        {
            bag.Error(path, "required when http2KeepAlive is set");
            return;
        }

        ValidationContext.CheckDuration(bag, new(path, ""), value);
    }
}
