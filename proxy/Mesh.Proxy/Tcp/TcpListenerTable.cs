using System.Net;
using Mesh.Api.V1;
using Mesh.Proxy.Clusters;
using Mesh.Proxy.Config;

namespace Mesh.Proxy.Tcp;

/// <summary>
/// The L4 service ports of one snapshot, found by a captured connection's original destination (cluster IP and
/// port) or by a CONNECT request's authority (any host spelling and port). Immutable.
/// </summary>
internal sealed class TcpListenerTable
{
    public static readonly TcpListenerTable Empty = new([], new(StringComparer.Ordinal));

    private readonly Dictionary<IPEndPoint, TcpListenerRuntime> _byAddress;
    private readonly Dictionary<string, TcpListenerRuntime> _byAuthority;

    private TcpListenerTable(Dictionary<IPEndPoint, TcpListenerRuntime> byAddress, Dictionary<string, TcpListenerRuntime> byAuthority)
    {
        _byAddress = byAddress;
        _byAuthority = byAuthority;
    }

    public bool IsEmpty => _byAuthority.Count == 0 && _byAddress.Count == 0;

    public TcpListenerRuntime? Find(IPEndPoint destination) =>
        _byAddress.GetValueOrDefault(destination.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(destination.Address.MapToIPv4(), destination.Port) : destination);

    public TcpListenerRuntime? Find(string host, int port) => _byAuthority.GetValueOrDefault($"{host}:{port}");

    /// <exception cref="InvalidProxyConfigException">A listener is malformed or names a cluster the config does not have.</exception>
    public static TcpListenerTable Build(ProxyConfig config, IReadOnlyDictionary<string, ClusterRuntime> clusters, TcpMetrics metrics)
    {
        if (config.TcpListeners.Count == 0)
        {
            return Empty;
        }

        var pools = config.Clusters.ToDictionary(c => c.Name, c => (ConnectionPool?)c.ConnectionPool, StringComparer.Ordinal);
        var byAddress = new Dictionary<IPEndPoint, TcpListenerRuntime>();
        var byAuthority = new Dictionary<string, TcpListenerRuntime>(StringComparer.Ordinal);
        for (var i = 0; i < config.TcpListeners.Count; i++)
        {
            var proto = config.TcpListeners[i];
            var path = $"tcp_listeners[{i}]";
            if (proto.Port is 0 or > 65535)
            {
                throw new InvalidProxyConfigException(path + ".port", $"must be 1-65535, got {proto.Port}");
            }

            var clusterIp = proto.Hosts.Select(h => IPAddress.TryParse(h, out var ip) ? ip : null).FirstOrDefault(ip => ip is not null);
            var routes = proto.Routes.Select((r, j) => Route(r, $"{path}.routes[{j}]", clusters, pools, metrics)).ToArray();
            var listener = new TcpListenerRuntime(proto.Name, (int)proto.Port, proto.Tls, clusterIp, routes);
            foreach (var host in proto.Hosts)
            {
                byAuthority.TryAdd($"{host.ToLowerInvariant()}:{proto.Port}", listener);
                if (IPAddress.TryParse(host, out var address))
                {
                    byAddress.TryAdd(new IPEndPoint(address, (int)proto.Port), listener);
                }
            }
        }

        return new TcpListenerTable(byAddress, byAuthority);
    }

    private static L4RouteRuntime Route(
        L4Route proto,
        string path,
        IReadOnlyDictionary<string, ClusterRuntime> clusters,
        Dictionary<string, ConnectionPool?> pools,
        TcpMetrics metrics)
    {
        if (proto.Destinations.Count == 0 || proto.Destinations.Sum(d => (long)d.Weight) == 0)
        {
            throw new InvalidProxyConfigException(path + ".destinations", "needs at least one destination with a positive weight");
        }

        var destinations = new TcpDestination[proto.Destinations.Count];
        for (var d = 0; d < destinations.Length; d++)
        {
            var destination = proto.Destinations[d];
            if (!clusters.TryGetValue(destination.Cluster, out var cluster))
            {
                throw new InvalidProxyConfigException($"{path}.destinations[{d}].cluster", $"unknown cluster '{destination.Cluster}'");
            }

            var pool = pools.GetValueOrDefault(destination.Cluster);
            var connectTimeout = pool?.ConnectTimeout?.ToTimeSpan() is { } timeout && timeout > TimeSpan.Zero ? timeout : ClusterBuilder.DefaultConnectTimeout;
            var maxConnections = (int)Math.Min(pool?.MaxConnections ?? 0, int.MaxValue);
            var idleTimeout = pool?.TcpIdleTimeout?.ToTimeSpan() is { } idle ? (idle > TimeSpan.Zero ? idle : Timeout.InfiniteTimeSpan) : (TimeSpan?)null;
            destinations[d] = new TcpDestination(cluster, destination.Weight, connectTimeout, maxConnections, metrics.Series(cluster.ServiceHost, cluster.Subset, proto.Name), idleTimeout);
        }

        var matches = proto.Matches.Select((m, k) => new L4MatchRuntime(
            [.. m.DestinationSubnets.Select((s, n) => Subnet(s, $"{path}.matches[{k}].destination_subnets[{n}]"))],
            [.. m.SniHosts.Select(h => new SniPattern(h))])).ToArray();
        return new L4RouteRuntime(proto.Name, matches, destinations);
    }

    private static IPNetwork Subnet(string value, string path)
    {
        if (IPAddress.TryParse(value, out var address))
        {
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }

        return IPNetwork.TryParse(value, out var network) ? network : throw new InvalidProxyConfigException(path, $"'{value}' is neither an address nor a CIDR");
    }
}
