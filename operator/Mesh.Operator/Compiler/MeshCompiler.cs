using Mesh.Api.V1;
using Mesh.Kubernetes.Models;
using Mesh.Operator.Resources;
using Mesh.Operator.Validation;

namespace Mesh.Operator.Compiler;

/// <summary>
/// Compiles a snapshot into a <see cref="CompiledMesh"/>: a pure, deterministic function (the input order of the
/// snapshot's resources does not matter). Invalid resources are reported and left out; the others still compile.
/// Where several resources claim one host (VirtualServices, or DestinationRules), the oldest wins as in Istio's
/// sidecars and the others are reported Conflicted for that host.
/// </summary>
public static class MeshCompiler
{
    public static CompiledMesh Compile(MeshSnapshot snapshot, MeshCompilerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        options ??= new MeshCompilerOptions();
        var outcomes = new Dictionary<IKubernetesObject, (List<Diagnostic> Diagnostics, bool Conflicted)>(ReferenceEqualityComparer.Instance);
        void Record(IKubernetesObject obj, IEnumerable<Diagnostic> diagnostics, bool conflicted = false)
        {
            if (!outcomes.TryGetValue(obj, out var outcome))
            {
                outcome = ([], false);
            }

            outcome.Diagnostics.AddRange(diagnostics);
            outcomes[obj] = (outcome.Diagnostics, outcome.Conflicted || conflicted);
        }

        bool Valid<T>(T obj, DiagnosticBag bag)
            where T : IKubernetesObject
        {
            Record(obj, bag.Items);
            return !bag.HasErrors;
        }

        var entries = Sorted(snapshot.WorkloadEntries).Where(e => Valid(e, WorkloadEntryValidator.Validate(e))).ToList();
        var registry = ServiceRegistry.Build(snapshot, entries, options.TrustDomain);

        var noRules = new ValidationContext(registry, new Dictionary<string, DestinationRule>(), options.RootNamespace);
        var rules = Sorted(snapshot.DestinationRules).Where(r => Valid(r, DestinationRuleValidator.Validate(r, noRules))).ToList();
        var ruleByHost = ClaimHosts(rules, r => [r.Spec.Host!], registry, Record);

        var context = new ValidationContext(registry, ruleByHost, options.RootNamespace);
        var virtualServices = Sorted(snapshot.VirtualServices).Where(v => Valid(v, VirtualServiceValidator.Validate(v, context))).ToList();
        var serviceByHost = ClaimHosts(virtualServices, v => v.Spec.Hosts!, registry, Record);
        var policies = Sorted(snapshot.MeshPolicies).Where(p => Valid(p, MeshPolicyValidator.Validate(p, context))).ToList();

        var selectors = new SelectorTable();
        var routes = new RouteBuilder(registry, selectors);
        var hosts = new List<HostEntry>();
        var clusters = new List<Cluster>();
        foreach (var service in registry.Services)
        {
            ruleByHost.TryGetValue(service.Fqdn, out var rule);
            clusters.AddRange(ClusterBuilder.ForService(service, rule));
            if (serviceByHost.TryGetValue(service.Fqdn, out var vs))
            {
                var templates = (vs.Spec.Http ?? []).Select((r, i) => routes.Build(r, i, vs.Metadata.Namespace!)).ToList();
                hosts.Add(new HostEntry(service, $"{vs.Metadata.Namespace}/{vs.Metadata.Name}", templates));
            }
            else
            {
                hosts.Add(new HostEntry(service, "", RouteBuilder.DefaultRoutes(service)));
            }
        }

        foreach (var (host, port) in routes.ExternalDestinations)
        {
            clusters.Add(ClusterBuilder.External(host, port, ruleByHost.GetValueOrDefault(host)));
        }

        var results = outcomes
            .Select(o => ResourceResult.Create(ResourceRef.Of(o.Key), o.Value.Diagnostics, o.Value.Conflicted, o.Key.Metadata.Generation))
            .OrderBy(r => r.Resource)
            .ToList();
        return new CompiledMesh(
            options,
            hosts,
            [.. clusters.DistinctBy(c => c.Name).OrderBy(c => c.Name, StringComparer.Ordinal)],
            selectors,
            new InboundBuilder(policies, options.RootNamespace, registry),
            results);
    }

    private static IEnumerable<T> Sorted<T>(IEnumerable<T> resources)
        where T : IKubernetesObject =>
        resources.OrderBy(r => r, ResourceOrder.Instance);

    // Gives each host to the oldest resource naming it; the others are told which resource holds it.
    private static Dictionary<string, T> ClaimHosts<T>(
        List<T> resources,
        Func<T, IEnumerable<string>> hostsOf,
        ServiceRegistry registry,
        Action<IKubernetesObject, IEnumerable<Diagnostic>, bool> record)
        where T : IKubernetesObject
    {
        var claims = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var resource in resources)
        {
            var lost = new List<Diagnostic>();
            var hosts = hostsOf(resource).Where(h => !h.Contains('*', StringComparison.Ordinal)).ToList();
            for (var i = 0; i < hosts.Count; i++)
            {
                var host = registry.Resolve(hosts[i], resource.Metadata.Namespace ?? "").Host;
                if (claims.TryGetValue(host, out var holder))
                {
                    if (!ReferenceEquals(holder, resource))
                    {
                        lost.Add(new Diagnostic(ResourceRef.Of(resource), hosts.Count == 1 && resource is DestinationRule ? "spec.host" : $"spec.hosts[{i}]",
                            DiagnosticSeverity.Warning,
                            $"host {host} is already configured by the older {resource.Kind} {holder.Metadata.Namespace}/{holder.Metadata.Name}; ignored for this host",
                            DiagnosticCategory.Conflict));
                    }
                }
                else
                {
                    claims.Add(host, resource);
                }
            }

            record(resource, lost, lost.Count > 0 && lost.Count == hosts.Count);
        }

        return claims;
    }
}
