using System.Net;
using Mesh.Proxy.Balancing;
using Mesh.Proxy.Clusters;

namespace Mesh.Proxy.Tcp;

/// <summary>One L4 service port: its routes, first match wins (the last is the catch-all to the port's service).</summary>
internal sealed class TcpListenerRuntime(string name, int port, bool tls, IPAddress? clusterIp, L4RouteRuntime[] routes)
{
    public string Name { get; } = name;

    public int Port { get; } = port;

    /// <summary>The port carries TLS: read the ClientHello's SNI before routing.</summary>
    public bool Tls { get; } = tls;

    /// <summary>The service's cluster IP: the destination address of a tunnel that named the service.</summary>
    public IPAddress? ClusterIp { get; } = clusterIp;

    public L4RouteRuntime[] Routes { get; } = routes;

    /// <summary>True when some route matches on SNI, so the ClientHello must be read.</summary>
    public bool NeedsServerName { get; } = Array.Exists(routes, r => Array.Exists(r.Matches, m => m.HasSni));

    public L4RouteRuntime? Match(IPAddress? destination, string? serverName)
    {
        foreach (var route in Routes)
        {
            if (route.Matches.Length == 0 || Array.Exists(route.Matches, m => m.Matches(destination, serverName)))
            {
                return route;
            }
        }

        return null;
    }
}

internal sealed class L4RouteRuntime
{
    private readonly CumulativeWeights _weights;

    public L4RouteRuntime(string name, L4MatchRuntime[] matches, TcpDestination[] destinations)
    {
        Name = name;
        Matches = matches;
        Destinations = destinations;
        _weights = new CumulativeWeights(destinations.Length, i => destinations[i].Weight);
    }

    public string Name { get; }

    /// <summary>OR of blocks; empty matches every connection.</summary>
    public L4MatchRuntime[] Matches { get; }

    public TcpDestination[] Destinations { get; }

    public TcpDestination Pick() => Destinations[_weights.PickIndex()];
}

/// <summary>AND of the destination subnets (any of them) and the SNI patterns (any of them), each when present.</summary>
internal sealed class L4MatchRuntime(IPNetwork[] subnets, SniPattern[] serverNames)
{
    public bool HasSni => serverNames.Length > 0;

    public bool Matches(IPAddress? destination, string? serverName)
    {
        if (subnets.Length > 0)
        {
            if (destination is null)
            {
                return false;
            }

            var address = destination.IsIPv4MappedToIPv6 ? destination.MapToIPv4() : destination;
            if (!Array.Exists(subnets, s => s.Contains(address)))
            {
                return false;
            }
        }

        return serverNames.Length == 0 || Array.Exists(serverNames, p => p.Matches(serverName));
    }
}

/// <summary>A route's destination with what the L4 path needs of its cluster's connection pool.</summary>
/// <param name="IdleTimeout">The cluster's tcp.idleTimeout (infinite when 0s); null: <see cref="TcpProxyOptions.IdleTimeout"/>.</param>
internal sealed record TcpDestination(ClusterRuntime Cluster, uint Weight, TimeSpan ConnectTimeout, int MaxConnections, TcpSeries Metrics, TimeSpan? IdleTimeout = null);
