using Mesh.Api.V1;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Compiler;

/// <summary>
/// Compiles a (validated) VirtualService's tcp and tls rules into the routes of one L4 service port, as Istio does:
/// match blocks for another port drop out at compile time (a rule whose blocks all do is not the port's), TLS rules
/// apply to TLS ports only and come first, and the port's own service is the last, catch-all route.
/// </summary>
internal sealed class L4RouteBuilder(RouteBuilder routes, SelectorTable selectors)
{
    public IReadOnlyList<L4RouteTemplate> Build(MeshService service, int port, bool tls, VirtualService? vs)
    {
        var result = new List<L4RouteTemplate>();
        var ns = vs?.Metadata.NamespaceProperty ?? "";
        for (var i = 0; tls && i < (vs?.Spec.Tls?.Count ?? 0); i++)
        {
            var rule = vs!.Spec.Tls![i];
            var blocks = (rule.Match ?? [])
                .Where(m => AppliesTo(m.Port, m.Gateways, port))
                .Select(m => (Match: Match(m.DestinationSubnets, m.SniHosts), Scope: Scope(m.SourceLabels, m.SourceNamespace)))
                .ToList();
            if (blocks.Count > 0)
            {
                result.Add(Template($"tls[{i}]", blocks, rule.Route, ns, port));
            }
        }

        for (var i = 0; i < (vs?.Spec.Tcp?.Count ?? 0); i++)
        {
            var rule = vs!.Spec.Tcp![i];
            var blocks = (rule.Match ?? [])
                .Where(m => AppliesTo(m.Port, m.Gateways, port))
                .Select(m => (Match: Match(m.DestinationSubnets, null), Scope: Scope(m.SourceLabels, m.SourceNamespace)))
                .ToList();
            if (blocks.Count > 0 || rule.Match is not { Count: > 0 })
            {
                result.Add(Template($"tcp[{i}]", blocks, rule.Route, ns, port));
            }
        }

        var fallback = new L4Route { Name = RouteBuilder.DefaultRouteName };
        fallback.Destinations.Add(new WeightedDestination { Cluster = HostNames.ClusterName(port, null, service.Fqdn), Weight = 100 });
        result.Add(new L4RouteTemplate(fallback, []));
        return result;
    }

    private static bool AppliesTo(int? matchPort, List<string>? gateways, int port) =>
        (matchPort is null || matchPort == port) &&
        (gateways is not { Count: > 0 } || gateways.Contains(VirtualServiceSpec.MeshGateway));

    private static L4Match Match(List<string>? subnets, List<string>? sniHosts)
    {
        var match = new L4Match();
        match.DestinationSubnets.AddRange(subnets ?? []);
        match.SniHosts.AddRange((sniHosts ?? []).Select(h => h.ToLowerInvariant()));
        return match;
    }

    private L4BlockScope Scope(Dictionary<string, string>? sourceLabels, string? sourceNamespace) =>
        new(sourceLabels is { Count: > 0 } labels ? selectors.IdOf(labels) : -1, string.IsNullOrEmpty(sourceNamespace) ? null : sourceNamespace);

    private L4RouteTemplate Template(string name, List<(L4Match Match, L4BlockScope Scope)> blocks, List<RouteDestination>? destinations, string ns, int port)
    {
        var route = new L4Route { Name = name };
        route.Matches.AddRange(blocks.Select(b => b.Match));
        foreach (var destination in destinations ?? [])
        {
            var weight = destinations!.Count == 1 ? 100 : destination.Weight ?? 0;
            if (weight > 0)
            {
                route.Destinations.Add(new WeightedDestination { Cluster = routes.ClusterOf(destination.Destination!, ns, port), Weight = (uint)weight });
            }
        }

        return new L4RouteTemplate(route, [.. blocks.Select(b => b.Scope)]);
    }
}
