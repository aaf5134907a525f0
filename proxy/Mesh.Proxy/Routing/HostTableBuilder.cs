using Google.Protobuf.Collections;
using Mesh.Proxy.Clusters;
using Mesh.Proxy.Config;
using Mesh.Proxy.Telemetry;

namespace Mesh.Proxy.Routing;

/// <summary>Compiles the config's virtual hosts into a <see cref="HostTable"/>, rejecting what cannot be served.</summary>
internal static class HostTableBuilder
{
    public static HostTable Build(RepeatedField<Api.V1.VirtualHost> virtualHosts, IReadOnlyDictionary<string, ClusterRuntime> clusters, RequestSeriesSet.Binder metrics)
    {
        var byDomain = new Dictionary<string, VirtualHostRoutes>(StringComparer.OrdinalIgnoreCase);
        for (var h = 0; h < virtualHosts.Count; h++)
        {
            var host = virtualHosts[h];
            var path = $"virtual_hosts[{h}]";
            var routes = new MeshRoute[host.Routes.Count];
            for (var r = 0; r < routes.Length; r++)
            {
                routes[r] = RouteBuilder.Build(host.Routes[r], $"{path}.routes[{r}]", clusters, host.Name, metrics);
            }

            var compiled = new VirtualHostRoutes(host.Name, routes, metrics.Outbound(host.Name, string.Empty, string.Empty));
            for (var d = 0; d < host.Domains.Count; d++)
            {
                var domain = host.Domains[d];
                if (string.IsNullOrWhiteSpace(domain))
                {
                    throw new InvalidProxyConfigException($"{path}.domains[{d}]", "must not be empty");
                }

                if (!byDomain.TryAdd(domain, compiled))
                {
                    throw new InvalidProxyConfigException($"{path}.domains[{d}]", $"domain '{domain}' is already used by virtual host '{byDomain[domain].Name}'");
                }
            }
        }

        return new HostTable(byDomain);
    }
}
