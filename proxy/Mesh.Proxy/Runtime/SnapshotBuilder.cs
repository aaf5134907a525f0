using Mesh.Api.V1;
using Mesh.Proxy.Authorization;
using Mesh.Proxy.Clusters;
using Mesh.Proxy.Config;
using Mesh.Proxy.RateLimiting;
using Mesh.Proxy.Routing;
using Mesh.Proxy.Tcp;
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

    /// <summary>
    /// Builds the snapshot of <paramref name="config"/>. A cluster equal to the one of the same name in
    /// <paramref name="previous"/> keeps its runtime object whole (balancer, outlier detector, pooled client, stats),
    /// and so does an unchanged virtual host whose clusters were all kept (its compiled routes): what a delta leaves
    /// untouched, or a whole config repeats, is not rebuilt. <paramref name="owned"/>: the caller
    /// made <paramref name="config"/> for this snapshot and never changes it, so it is kept without a copy.
    /// </summary>
    /// <exception cref="InvalidProxyConfigException">The config cannot be served.</exception>
    public ProxySnapshot Build(string version, ProxyConfig config, ProxySnapshot? previous, bool owned = false)
    {
        if (string.IsNullOrEmpty(version))
        {
            throw new InvalidProxyConfigException("version_info", "must not be empty");
        }

        // What the snapshot holds, and so what the next build compares against: build from it, not from the caller's.
        config = owned ? config : config.Clone();
        var authorization = AuthorizationCompiler.Compile(config.Inbound);
        var rateLimits = RateLimiterSet.Build(config.Inbound, previous?.RateLimits, _time);

        var metrics = new RequestSeriesSet.Binder(_metrics, previous?.RequestMetrics);
        var clusters = new Dictionary<string, ClusterRuntime>(StringComparer.Ordinal);
        var before = previous?.Config.Clusters.ToDictionary(c => c.Name, StringComparer.Ordinal) ?? [];
        for (var i = 0; i < config.Clusters.Count; i++)
        {
            var proto = config.Clusters[i];
            var cluster = before.TryGetValue(proto.Name, out var old) && old.Equals(proto) && previous!.Clusters.TryGetValue(proto.Name, out var kept)
                ? Keep(kept, metrics)
                : _clusters.Build(proto, $"clusters[{i}]", previous, metrics);
            if (!clusters.TryAdd(cluster.Name, cluster))
            {
                throw new InvalidProxyConfigException($"clusters[{i}].name", $"duplicate cluster '{cluster.Name}'");
            }
        }

        var hosts = HostTableBuilder.Build(config.VirtualHosts, clusters, metrics, previous?.Hosts);
        var addresses = DestinationAddressTable.Build(config.VirtualHosts, hosts, clusters);
        var tcpListeners = TcpListenerTable.Build(config, clusters, _metrics.Tcp);
        return new ProxySnapshot(version, config, hosts, addresses, clusters)
        {
            TcpListeners = tcpListeners,
            Authorization = authorization,
            RateLimits = rateLimits,
            RequestMetrics = metrics.Build(),
        };
    }

    // The series a kept cluster reports to must stay bound, or retiring the replaced snapshot's series removes it.
    private static ClusterRuntime Keep(ClusterRuntime cluster, RequestSeriesSet.Binder metrics)
    {
        metrics.Outbound(cluster.ServiceHost, cluster.Subset, string.Empty);
        return cluster;
    }
}
