using System.Net;
using Google.Protobuf.Collections;
using Mesh.Proxy.Clusters;

namespace Mesh.Proxy.Routing;

/// <summary>
/// Maps the original destination of a captured connection (<c>IP:PORT</c>) to the mesh's view of it, for requests
/// whose Host/authority names no virtual host: a Service's cluster IP, which the compiler lists among its virtual
/// host's domains as <c>IP:PORT</c>, selects that virtual host; an endpoint address selects the cluster it belongs
/// to. Built once per snapshot, so a request costs one dictionary lookup.
/// </summary>
internal sealed class DestinationAddressTable
{
    private readonly Dictionary<IPEndPoint, VirtualHostRoutes> _hosts;
    private readonly Dictionary<IPEndPoint, ClusterRuntime> _endpoints;

    private DestinationAddressTable(Dictionary<IPEndPoint, VirtualHostRoutes> hosts, Dictionary<IPEndPoint, ClusterRuntime> endpoints)
    {
        _hosts = hosts;
        _endpoints = endpoints;
    }

    /// <summary>The virtual host whose Service has this cluster IP and port.</summary>
    public VirtualHostRoutes? FindHost(IPEndPoint destination) =>
        _hosts.TryGetValue(destination, out var host) ? host : null;

    /// <summary>The cluster with an endpoint at this address, the whole-service cluster before its subsets.</summary>
    public ClusterRuntime? FindEndpointCluster(IPEndPoint destination) =>
        _endpoints.TryGetValue(destination, out var cluster) ? cluster : null;

    public static DestinationAddressTable Build(RepeatedField<Api.V1.VirtualHost> virtualHosts, HostTable hosts, IReadOnlyDictionary<string, ClusterRuntime> clusters)
    {
        var byAddress = new Dictionary<IPEndPoint, VirtualHostRoutes>();
        foreach (var host in virtualHosts)
        {
            foreach (var domain in host.Domains)
            {
                if (IsAddressAndPort(domain, out var endPoint) && hosts.Find(domain) is { } routes)
                {
                    byAddress.TryAdd(endPoint, routes);
                }
            }
        }

        var byEndpoint = new Dictionary<IPEndPoint, ClusterRuntime>();
        foreach (var cluster in clusters.Values)
        {
            foreach (var endpoint in cluster.Endpoints)
            {
                if (!IPAddress.TryParse(endpoint.Address, out var address))
                {
                    continue;
                }

                var key = new IPEndPoint(address, endpoint.Port);
                if (!byEndpoint.TryGetValue(key, out var current) || Precedes(cluster, current))
                {
                    byEndpoint[key] = cluster;
                }
            }
        }

        return new DestinationAddressTable(byAddress, byEndpoint);
    }

    // "10.96.0.5:9080" or "[fd00::5]:9080"; a bare address has no port and a name is not an address.
    private static bool IsAddressAndPort(string domain, out IPEndPoint endPoint) =>
        IPEndPoint.TryParse(domain, out endPoint!) && endPoint.Port != 0 && (domain.StartsWith('[') || domain.Count(c => c == '.') == 3);

    // Deterministic whatever the cluster order: the whole service before a subset, then by name.
    private static bool Precedes(ClusterRuntime candidate, ClusterRuntime current)
    {
        var candidateWhole = candidate.Subset.Length == 0;
        var currentWhole = current.Subset.Length == 0;
        return candidateWhole != currentWhole ? candidateWhole : string.CompareOrdinal(candidate.Name, current.Name) < 0;
    }
}
