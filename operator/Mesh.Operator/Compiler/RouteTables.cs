using Mesh.Operator.Resources;

namespace Mesh.Operator.Compiler;

/// <summary>
/// The route templates of one compile: per service host its HTTP routes (from the VirtualService holding it, else the
/// default route per port) and the L4 routes of each opaque port, the sourceLabels selectors they number, and the
/// hosts outside the mesh they send to. A template reads the VirtualService and its delegates, and of the registry
/// only whether a destination is in the mesh and its ports; the selector ids follow the order of the build. So the
/// next compile takes all of this over when its valid VirtualServices are the same objects in the same order, its
/// registry has the same services with the same ports (<see cref="RegistryView.SameServices"/>), the same hosts
/// are compiled, and no build threw here. Immutable once built.
/// </summary>
internal sealed class RouteTables
{
    private readonly IReadOnlyList<VirtualService> _virtualServices;
    private readonly ServiceRegistry _registry;

    // Whether a VirtualService's build threw: its report is not kept, so this is built again next time.
    private readonly bool _failed;

    private RouteTables(IReadOnlyList<VirtualService> virtualServices, ServiceRegistry registry, bool failed, IReadOnlyList<HostRoutes> hosts, SelectorTable selectors, IReadOnlyCollection<(string Host, int Port)> externalDestinations)
    {
        _virtualServices = virtualServices;
        _registry = registry;
        _failed = failed;
        Hosts = hosts;
        Selectors = selectors;
        ExternalDestinations = externalDestinations;
    }

    /// <summary>The routes of each compiled service, in the order of the services.</summary>
    public IReadOnlyList<HostRoutes> Hosts { get; }

    public SelectorTable Selectors { get; }

    /// <summary>Hosts outside the mesh that routes send to, with the port used.</summary>
    public IReadOnlyCollection<(string Host, int Port)> ExternalDestinations { get; }

    /// <summary>
    /// The templates of <paramref name="services"/> (the registry's services whose clusters compiled, in its order),
    /// built or taken over from <paramref name="previous"/>.
    /// </summary>
    public static RouteTables Build(ServiceRegistry registry, IReadOnlyList<MeshService> services, ValidatedResources validated, CompileOutcomes outcomes, RouteTables? previous)
    {
        if (previous is not null && previous.SameInputs(registry, services, validated.VirtualServices))
        {
            return new RouteTables(validated.VirtualServices, registry, false, previous.Hosts, previous.Selectors, previous.ExternalDestinations);
        }

        var failures = outcomes.FailedCount;
        var selectors = new SelectorTable();
        var routes = new RouteBuilder(registry, selectors);
        var l4Routes = new L4RouteBuilder(routes, selectors);
        var hosts = new HostRoutes[services.Count];
        for (var s = 0; s < services.Count; s++)
        {
            var service = services[s];
            IReadOnlyList<RouteTemplate>? http = null;
            var source = "";
            if (validated.ServiceByHost.TryGetValue(service.Fqdn, out var vs) &&
                outcomes.Compiles(vs, vs => http = RoutesOf(routes, vs, validated.Delegated)))
            {
                source = $"{vs.Metadata.NamespaceProperty}/{vs.Metadata.Name}";
            }
            else
            {
                http = RouteBuilder.DefaultRoutes(service);
            }

            List<OpaquePortRoutes>? l4 = null;
            foreach (var port in service.Ports.Where(PortProtocol.IsOpaque))
            {
                var tls = PortProtocol.IsTls(port);
                IReadOnlyList<L4RouteTemplate>? templates = null;
                if (vs is null || !outcomes.Compiles(vs, vs => templates = l4Routes.Build(service, port.Port, tls, vs)))
                {
                    templates = l4Routes.Build(service, port.Port, tls, null);
                }

                (l4 ??= []).Add(new OpaquePortRoutes(port.Port, tls, templates!));
            }

            hosts[s] = new HostRoutes(service.Fqdn, source, http!, (IReadOnlyList<OpaquePortRoutes>?)l4 ?? []);
        }

        return new RouteTables(validated.VirtualServices, registry, outcomes.FailedCount != failures, hosts, selectors, routes.ExternalDestinations);
    }

    private bool SameInputs(ServiceRegistry registry, IReadOnlyList<MeshService> services, IReadOnlyList<VirtualService> virtualServices)
    {
        if (_failed || services.Count != Hosts.Count || virtualServices.Count != _virtualServices.Count)
        {
            return false;
        }

        for (var i = 0; i < virtualServices.Count; i++)
        {
            if (!ReferenceEquals(virtualServices[i], _virtualServices[i]))
            {
                return false;
            }
        }

        for (var i = 0; i < services.Count; i++)
        {
            if (services[i].Fqdn != Hosts[i].Fqdn)
            {
                return false;
            }
        }

        return RegistryView.SameServices(registry, _registry);
    }

    // Rules bound only to gateways (match.gateways without mesh) are not the sidecars' (Istio's semantics).
    // A VirtualService that delegates nothing (most) compiles its own rules without a DelegatedRule for each.
    private static List<RouteTemplate> RoutesOf(RouteBuilder routes, VirtualService vs, IReadOnlyDictionary<VirtualService, List<DelegatedRule>> delegated)
    {
        var templates = new List<RouteTemplate>();
        if (delegated.TryGetValue(vs, out var merged))
        {
            foreach (var rule in merged)
            {
                if (RouteBuilder.AppliesToSidecars(rule.Rule))
                {
                    templates.Add(routes.Build(rule.Rule, rule.RootIndex, rule.Namespace));
                }
            }

            return templates;
        }

        var own = vs.Spec.Http ?? [];
        for (var i = 0; i < own.Count; i++)
        {
            if (RouteBuilder.AppliesToSidecars(own[i]))
            {
                templates.Add(routes.Build(own[i], i, vs.Metadata.NamespaceProperty!));
            }
        }

        return templates;
    }
}

/// <summary>One service host's routes: its HTTP routes and where they come from ("NAMESPACE/NAME", or empty for the default route), and its opaque ports'.</summary>
internal sealed record HostRoutes(string Fqdn, string Source, IReadOnlyList<RouteTemplate> Http, IReadOnlyList<OpaquePortRoutes> Opaque);

/// <summary>The L4 routes of one opaque service port.</summary>
internal sealed record OpaquePortRoutes(int Port, bool Tls, IReadOnlyList<L4RouteTemplate> Routes);
