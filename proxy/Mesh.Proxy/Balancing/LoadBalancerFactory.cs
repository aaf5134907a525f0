using Mesh.Api.V1;
using Mesh.Proxy.Clusters;
using Mesh.Proxy.Config;

namespace Mesh.Proxy.Balancing;

/// <summary>
/// Creates a cluster's balancer from its <see cref="LoadBalancer"/> settings; consistent hash takes precedence. With
/// a locality setting that splits the endpoints for this proxy, one such balancer per locality group.
/// </summary>
internal static class LoadBalancerFactory
{
    private const int DefaultRingSize = 1024;

    // Envoy's limit (operator validation rejects larger tables).
    private const int MaxMaglevTableSize = 5_000_011;

    /// <param name="self">The proxy's own locality; <paramref name="selfLabels"/> its labels (for failoverPriority).</param>
    public static ILoadBalancer Create(LoadBalancer? settings, EndpointRuntime[] endpoints, TimeProvider time, string path, ProxyLocality? self = null, IReadOnlyDictionary<string, string>? selfLabels = null)
    {
        if (settings?.LocalityLbSetting is { } locality &&
            LocalityBalancer.Group(locality, endpoints, self ?? ProxyLocality.None, selfLabels ?? new Dictionary<string, string>()) is var (groups, weights))
        {
            return new LocalityBalancer([.. groups.Select(group => CreateForGroup(settings, group, time, path))], weights, groups);
        }

        return CreateForGroup(settings, endpoints, time, path);
    }

    private static ILoadBalancer CreateForGroup(LoadBalancer? settings, EndpointRuntime[] endpoints, TimeProvider time, string path)
    {
        if (settings?.ConsistentHash is { } hash)
        {
            IHashKeySource keys = hash.KeyCase switch
            {
                ConsistentHash.KeyOneofCase.HttpHeaderName when hash.HttpHeaderName.Length > 0 => new HeaderHashKeySource(hash.HttpHeaderName),
                ConsistentHash.KeyOneofCase.HttpCookie when hash.HttpCookie.Name.Length > 0 => new CookieHashKeySource(
                    hash.HttpCookie.Name,
                    hash.HttpCookie.Path,
                    hash.HttpCookie.Ttl?.ToTimeSpan(),
                    hash.HttpCookie.Attributes.Select(a => (a.Name, a.Value))),
                ConsistentHash.KeyOneofCase.UseSourceIp when hash.UseSourceIp => new SourceIpHashKeySource(),
                _ => throw new InvalidProxyConfigException(path + ".consistent_hash", "needs a header name, a cookie name or use_source_ip"),
            };
            if (hash.MaglevTableSize > 0)
            {
                return new MaglevBalancer(endpoints, (int)Math.Min(hash.MaglevTableSize, MaxMaglevTableSize), keys);
            }

            var ringSize = hash.MinimumRingSize == 0 ? DefaultRingSize : (int)Math.Min(hash.MinimumRingSize, 1 << 20);
            return new RingHashBalancer(endpoints, ringSize, keys);
        }

        return (settings?.Simple ?? LoadBalancer.Types.Simple.LeastRequest) switch
        {
            LoadBalancer.Types.Simple.RoundRobin => new RoundRobinBalancer(endpoints),
            LoadBalancer.Types.Simple.Random => new RandomBalancer(endpoints),
            LoadBalancer.Types.Simple.PeakEwma => new PeakEwmaBalancer(endpoints, time),

            // PASSTHROUGH forwards to the original destination; without iptables capture there is none, so the
            // cluster's endpoints are balanced as by the default.
            _ => new LeastRequestBalancer(endpoints),
        };
    }
}
