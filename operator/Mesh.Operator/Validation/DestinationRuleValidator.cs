using Mesh.Operator.Compiler;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>Checks a DestinationRule: its host, its traffic policies and its subsets.</summary>
internal static class DestinationRuleValidator
{
    public static readonly string[] LoadBalancers = ["ROUND_ROBIN", "LEAST_REQUEST", "RANDOM", "PASSTHROUGH", "PEAK_EWMA"];

    public static readonly string[] TlsModes = ["DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL", "MESH_MUTUAL"];

    public static DiagnosticBag Validate(DestinationRule rule, ValidationContext context)
    {
        var bag = new DiagnosticBag(ResourceRef.Of(rule));
        var ns = rule.Metadata.Namespace ?? "";
        var resolved = context.CheckHost(bag, "spec.host", rule.Spec.Host, ns, "the rule applies to traffic sent to it directly");
        ValidatePolicy(bag, rule.Spec.TrafficPolicy, "spec.trafficPolicy");

        Dictionary<string, int>? names = null;
        for (var j = 0; j < (rule.Spec.Subsets?.Count ?? 0); j++)
        {
            var subset = rule.Spec.Subsets![j];
            var path = $"spec.subsets[{j}]";
            if (string.IsNullOrEmpty(subset.Name))
            {
                bag.Error(path + ".name", "name is required");
            }
            else if (!(names ??= new(StringComparer.Ordinal)).TryAdd(subset.Name, j))
            {
                bag.Error(path + ".name", $"duplicate subset name '{subset.Name}' (also spec.subsets[{names[subset.Name]}])");
            }

            if (resolved?.Service is { } service &&
                !service.Endpoints.Values.Any(list => list.Exists(e => LabelSelector.Matches(subset.Labels, e.Labels))))
            {
                bag.Warning(path + ".labels", $"selects no endpoint of {service.Fqdn}");
            }

            ValidatePolicy(bag, subset.TrafficPolicy, path + ".trafficPolicy");
        }

        return bag;
    }

    private static void ValidatePolicy(DiagnosticBag bag, TrafficPolicySpec? policy, string path)
    {
        if (policy is null)
        {
            return;
        }

        if (policy.LoadBalancer is { } lb)
        {
            ValidationContext.CheckEnum(bag, new(path, ".loadBalancer.simple"), lb.Simple, LoadBalancers);
            if (lb.Simple is not null && lb.ConsistentHash is not null)
            {
                bag.Error(path + ".loadBalancer", "exactly one of simple or consistentHash is allowed");
            }

            if (lb.ConsistentHash is { } hash)
            {
                var keys = (hash.HttpHeaderName is null ? 0 : 1) + (hash.HttpCookie is null ? 0 : 1) + (hash.UseSourceIp == true ? 1 : 0);
                if (keys != 1)
                {
                    bag.Error(path + ".loadBalancer.consistentHash", "exactly one of httpHeaderName, httpCookie or useSourceIp is required");
                }

                if (hash.HttpCookie is { } cookie)
                {
                    if (string.IsNullOrEmpty(cookie.Name))
                    {
                        bag.Error(path + ".loadBalancer.consistentHash.httpCookie.name", "name is required");
                    }

                    ValidationContext.CheckDuration(bag, new(path, ".loadBalancer.consistentHash.httpCookie.ttl"), cookie.Ttl);
                }

                ValidationContext.CheckRange(bag, new(path, ".loadBalancer.consistentHash.minimumRingSize"), hash.MinimumRingSize, 0, int.MaxValue);
            }
        }

        if (policy.ConnectionPool is { } pool)
        {
            var tcp = path + ".connectionPool.tcp";
            ValidationContext.CheckRange(bag, new(tcp, ".maxConnections"), pool.Tcp?.MaxConnections, 0, int.MaxValue);
            ValidationContext.CheckDuration(bag, new(tcp, ".connectTimeout"), pool.Tcp?.ConnectTimeout);
            var http = path + ".connectionPool.http";
            ValidationContext.CheckRange(bag, new(http, ".http1MaxPendingRequests"), pool.Http?.Http1MaxPendingRequests, 0, int.MaxValue);
            ValidationContext.CheckRange(bag, new(http, ".http2MaxRequests"), pool.Http?.Http2MaxRequests, 0, int.MaxValue);
            ValidationContext.CheckRange(bag, new(http, ".maxRequestsPerConnection"), pool.Http?.MaxRequestsPerConnection, 0, int.MaxValue);
            ValidationContext.CheckRange(bag, new(http, ".maxRetries"), pool.Http?.MaxRetries, 0, int.MaxValue);
            ValidationContext.CheckDuration(bag, new(http, ".idleTimeout"), pool.Http?.IdleTimeout);
        }

        if (policy.OutlierDetection is { } outlier)
        {
            var o = path + ".outlierDetection";
            ValidationContext.CheckRange(bag, new(o, ".consecutive5xxErrors"), outlier.Consecutive5xxErrors, 0, int.MaxValue);
            ValidationContext.CheckRange(bag, new(o, ".consecutiveGatewayErrors"), outlier.ConsecutiveGatewayErrors, 0, int.MaxValue);
            ValidationContext.CheckDuration(bag, new(o, ".interval"), outlier.Interval);
            ValidationContext.CheckDuration(bag, new(o, ".baseEjectionTime"), outlier.BaseEjectionTime);
            ValidationContext.CheckRange(bag, new(o, ".maxEjectionPercent"), outlier.MaxEjectionPercent, 0, 100);
        }

        ValidationContext.CheckEnum(bag, new(path, ".tls.mode"), policy.Tls?.Mode, TlsModes);
    }
}
