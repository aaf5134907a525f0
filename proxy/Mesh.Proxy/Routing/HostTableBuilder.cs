using Google.Protobuf.Collections;
using Mesh.Proxy.Clusters;
using Mesh.Proxy.Config;
using Mesh.Proxy.Telemetry;

namespace Mesh.Proxy.Routing;

/// <summary>Compiles the config's virtual hosts into a <see cref="HostTable"/>, rejecting what cannot be served.</summary>
internal static class HostTableBuilder
{
    /// <param name="previous">The table being replaced: a virtual host equal to its namesake there (the same object
    /// after a delta that left it alone) whose clusters are all kept keeps its compiled routes (regexes, weights,
    /// bound metrics), so a delta costs what it changed, not the whole table.</param>
    public static HostTable Build(RepeatedField<Api.V1.VirtualHost> virtualHosts, IReadOnlyDictionary<string, ClusterRuntime> clusters, RequestSeriesSet.Binder metrics, HostTable? previous = null)
    {
        var byDomain = new Dictionary<string, VirtualHostRoutes>(StringComparer.OrdinalIgnoreCase);
        var byName = new Dictionary<string, VirtualHostRoutes>(virtualHosts.Count, StringComparer.Ordinal);
        for (var h = 0; h < virtualHosts.Count; h++)
        {
            var host = virtualHosts[h];
            var compiled = previous?.Named(host.Name) is { } kept && kept.Source.Equals(host) && kept.Resolves(clusters)
                ? Keep(kept, metrics)
                : Compile(host, $"virtual_hosts[{h}]", clusters, metrics);
            byName.TryAdd(host.Name, compiled);
            for (var d = 0; d < host.Domains.Count; d++)
            {
                var domain = host.Domains[d];
                if (string.IsNullOrWhiteSpace(domain))
                {
                    throw new InvalidProxyConfigException($"virtual_hosts[{h}].domains[{d}]", "must not be empty");
                }

                if (!byDomain.TryAdd(domain, compiled))
                {
                    throw new InvalidProxyConfigException($"virtual_hosts[{h}].domains[{d}]", $"domain '{domain}' is already used by virtual host '{byDomain[domain].Name}'");
                }
            }
        }

        return new HostTable(byDomain, byName);
    }

    private static VirtualHostRoutes Compile(Api.V1.VirtualHost host, string path, IReadOnlyDictionary<string, ClusterRuntime> clusters, RequestSeriesSet.Binder metrics)
    {
        var routes = new MeshRoute[host.Routes.Count];
        for (var r = 0; r < routes.Length; r++)
        {
            routes[r] = RouteBuilder.Build(host.Routes[r], $"{path}.routes[{r}]", clusters, host.Name, metrics);
        }

        return new VirtualHostRoutes(host, routes, metrics.Outbound(host.Name, string.Empty, string.Empty));
    }

    // The series a kept virtual host reports to must stay bound, or retiring the replaced snapshot's series removes them.
    private static VirtualHostRoutes Keep(VirtualHostRoutes host, RequestSeriesSet.Binder metrics)
    {
        foreach (var series in host.Series)
        {
            metrics.Keep(series);
        }

        return host;
    }
}
