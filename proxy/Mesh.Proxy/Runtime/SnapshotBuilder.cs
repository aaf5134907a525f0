using Mesh.Api.V1;
using Mesh.Proxy.Authorization;
using Mesh.Proxy.Clusters;
using Mesh.Proxy.Config;
using Mesh.Proxy.RateLimiting;
using Mesh.Proxy.Routing;
using Mesh.Proxy.Telemetry;

namespace Mesh.Proxy.Runtime;

/// <summary>Validates a <see cref="ProxyConfig"/> and compiles it into a <see cref="ProxySnapshot"/>.</summary>
internal sealed class SnapshotBuilder
{
    private readonly ClusterBuilder _clusters;
    private readonly ProxyMetrics _metrics;
    private readonly TimeProvider _time;

    public SnapshotBuilder(ClusterBuilder clusters, ProxyMetrics metrics, TimeProvider time)
    {
        _clusters = clusters;
        _metrics = metrics;
        _time = time;
    }

    /// <exception cref="InvalidProxyConfigException">The config cannot be served.</exception>
    public ProxySnapshot Build(string version, ProxyConfig config, ProxySnapshot? previous)
    {
        if (string.IsNullOrEmpty(version))
        {
            throw new InvalidProxyConfigException("version_info", "must not be empty");
        }

        var authorization = AuthorizationCompiler.Compile(config.Inbound);
        var rateLimits = RateLimiterSet.Build(config.Inbound, previous?.RateLimits, _time);

        var metrics = new RequestSeriesSet.Binder(_metrics, previous?.RequestMetrics);
        var clusters = new Dictionary<string, ClusterRuntime>(StringComparer.Ordinal);
        for (var i = 0; i < config.Clusters.Count; i++)
        {
            var cluster = _clusters.Build(config.Clusters[i], $"clusters[{i}]", previous, metrics);
            if (!clusters.TryAdd(cluster.Name, cluster))
            {
                throw new InvalidProxyConfigException($"clusters[{i}].name", $"duplicate cluster '{cluster.Name}'");
            }
        }

        var hosts = HostTableBuilder.Build(config.VirtualHosts, clusters, metrics);
        var addresses = DestinationAddressTable.Build(config.VirtualHosts, hosts, clusters);
        return new ProxySnapshot(version, config.Clone(), hosts, addresses, clusters) { Authorization = authorization, RateLimits = rateLimits, RequestMetrics = metrics.Build() };
    }
}
