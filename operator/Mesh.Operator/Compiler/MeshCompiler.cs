using k8s;
using k8s.Models;
using Mesh.Api.V1;
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
    /// <param name="previous">The compile before this one, if any: hosts compiled from equal inputs take over its
    /// virtual hosts instead of building and hashing them again. The result is the same with or without it.</param>
    public static CompiledMesh Compile(MeshSnapshot snapshot, MeshCompilerOptions? options = null, CompiledMesh? previous = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        options ??= new MeshCompilerOptions();
        // Most resources have nothing to report: they get no list of their own.
        var outcomes = new Dictionary<IKubernetesObject<V1ObjectMeta>, (List<Diagnostic>? Diagnostics, bool Conflicted, string? Note)>(ReferenceEqualityComparer.Instance);
        void Record(IKubernetesObject<V1ObjectMeta> obj, IReadOnlyCollection<Diagnostic> diagnostics, bool conflicted = false)
        {
            outcomes.TryGetValue(obj, out var outcome);
            if (diagnostics.Count > 0)
            {
                (outcome.Diagnostics ??= []).AddRange(diagnostics);
            }

            outcomes[obj] = (outcome.Diagnostics, outcome.Conflicted || conflicted, outcome.Note);
        }

        void Note(IKubernetesObject<V1ObjectMeta> obj, string note)
        {
            outcomes.TryGetValue(obj, out var outcome);
            outcomes[obj] = outcome with { Note = outcome.Note is null ? note : outcome.Note + "; " + note };
        }

        // A validator or builder that throws reports the resource it was working on and leaves only that one out.
        bool Valid<T>(T obj, Func<T, DiagnosticBag> validate, bool recordClean = true)
            where T : IKubernetesObject<V1ObjectMeta>
        {
            try
            {
                var bag = validate(obj);
                if (recordClean || bag.Items.Count > 0)
                {
                    Record(obj, bag.Items);
                }

                return !bag.HasErrors;
            }
            catch (Exception ex) when (!CompileFailure.IsFatal(ex))
            {
                Record(obj, [CompileFailure.Of(obj, "validated", ex)]);
                return false;
            }
        }

        var failed = new HashSet<IKubernetesObject<V1ObjectMeta>>(ReferenceEqualityComparer.Instance);
        bool Compiles<T>(T obj, Action<T> compile)
            where T : IKubernetesObject<V1ObjectMeta>
        {
            if (failed.Contains(obj))
            {
                return false;
            }

            try
            {
                compile(obj);
                return true;
            }
            catch (Exception ex) when (!CompileFailure.IsFatal(ex))
            {
                failed.Add(obj);
                Record(obj, [CompileFailure.Of(obj, "compiled", ex)]);
                return false;
            }
        }

        // Services, Pods and EndpointSlices get a result only when something is wrong with them.
        var kubernetes = snapshot with
        {
            Services = [.. snapshot.Services.Where(s => Valid(s, KubernetesObjectValidator.Validate, recordClean: false))],
            Pods = [.. snapshot.Pods.Where(p => Valid(p, KubernetesObjectValidator.Validate, recordClean: false))],
            EndpointSlices = [.. snapshot.EndpointSlices.Where(e => Valid(e, KubernetesObjectValidator.Validate, recordClean: false))],
        };
        var entries = Sorted(snapshot.WorkloadEntries).Where(e => Valid(e, WorkloadEntryValidator.Validate)).ToList();
        var registry = ServiceRegistry.Build(kubernetes, entries, options.TrustDomain, (service, ex) => Record(service, [CompileFailure.Of(service, "compiled", ex)]));

        var noRules = new ValidationContext(registry, new Dictionary<string, DestinationRule>(), options.RootNamespace);
        var rules = Sorted(snapshot.DestinationRules).Where(r => Valid(r, r => DestinationRuleValidator.Validate(r, noRules))).ToList();
        var ruleByHost = ClaimHosts([.. rules.Where(r => r.Spec.WorkloadSelector is null)], r => [r.Spec.Host!], registry, Record);

        var context = new ValidationContext(registry, ruleByHost, options.RootNamespace, SelectedRuleSubsets.Build(rules.Where(r => r.Spec.WorkloadSelector is not null), registry));
        var virtualServices = Sorted(snapshot.VirtualServices)
            .Where(v => Valid(v, v => VirtualServiceValidator.Validate(v, context)) && v.Spec.AppliesToSidecars)
            .ToList();
        var delegated = Delegation.Resolve(snapshot.VirtualServices, virtualServices, (v, d) => Record(v, [d]), Note);
        var serviceByHost = ClaimHosts([.. virtualServices.Where(v => !v.Spec.IsDelegate)], v => v.Spec.Hosts!, registry, Record);
        var policies = Sorted(snapshot.MeshPolicies)
            .Where(p => Valid(p, p => MeshPolicyValidator.Validate(p, context)) && Compiles(p, InboundBuilder.Check))
            .ToList();

        var selectors = new SelectorTable();
        var routes = new RouteBuilder(registry, selectors);
        var l4Routes = new L4RouteBuilder(routes, selectors);
        var hosts = new List<HostEntry>();
        var listeners = new List<TcpListenerEntry>();
        var clusters = new List<Cluster>();
        var serviceClusters = new Dictionary<string, ServiceClusters>(StringComparer.Ordinal);
        void AddClusters(MeshService service, DestinationRule? rule)
        {
            var built = ServiceClusters.For(service, rule, previous?.ClustersOf(service.Fqdn));
            clusters.AddRange(built.Clusters);
            serviceClusters[service.Fqdn] = built;
        }

        foreach (var service in registry.Services)
        {
            ruleByHost.TryGetValue(service.Fqdn, out var rule);
            if (rule is not null && !Compiles(rule, r => AddClusters(service, r)))
            {
                ruleByHost.Remove(service.Fqdn);
                rule = null;
            }

            if (rule is null && !Compiles(service.Service, _ => AddClusters(service, null)))
            {
                continue;
            }

            HostEntry? entry = null;
            if (serviceByHost.TryGetValue(service.Fqdn, out var vs) &&
                Compiles(vs, vs => entry = new HostEntry(service, $"{vs.Metadata.NamespaceProperty}/{vs.Metadata.Name}", RoutesOf(routes, vs, delegated), selectors, previous?.HostOf(service.Fqdn))))
            {
                hosts.Add(entry!);
            }
            else
            {
                hosts.Add(new HostEntry(service, "", RouteBuilder.DefaultRoutes(service), selectors, previous?.HostOf(service.Fqdn)));
            }

            foreach (var port in service.Ports.Where(PortProtocol.IsOpaque))
            {
                var tls = PortProtocol.IsTls(port);
                IReadOnlyList<L4RouteTemplate>? l4 = null;
                if (vs is null || !Compiles(vs, vs => l4 = l4Routes.Build(service, port.Port, tls, vs)))
                {
                    l4 = l4Routes.Build(service, port.Port, tls, null);
                }

                listeners.Add(new TcpListenerEntry(service, port.Port, tls, l4!));
            }
        }

        foreach (var (host, port) in routes.ExternalDestinations)
        {
            var rule = ruleByHost.GetValueOrDefault(host);
            if (rule is null || !Compiles(rule, r => clusters.Add(ClusterBuilder.External(host, port, r))))
            {
                clusters.Add(ClusterBuilder.External(host, port, null));
            }
        }

        var workloadRules = WorkloadRuleBuilder.Build(
            [.. rules.Where(r => r.Spec.WorkloadSelector is not null)], registry, routes.ExternalDestinations, new SecretCredentials(snapshot.Secrets), Compiles, Record);

        // After every real cluster: ByName keeps the first of one name, so a stand-in only fills a gap.
        clusters.AddRange(workloadRules.SubsetStandIns());
        var results = outcomes
            .Select(o => ResourceResult.Create(ResourceRef.Of(o.Key), (IReadOnlyList<Diagnostic>?)o.Value.Diagnostics ?? [], o.Value.Conflicted, o.Key.Metadata.Generation, o.Value.Note))
            .OrderBy(r => r.Resource)
            .ToList();
        return new CompiledMesh(
            options,
            hosts,
            [.. listeners.OrderBy(l => l.Name, StringComparer.Ordinal)],
            ByName(clusters),
            selectors,
            new InboundBuilder(policies, options.RootNamespace, registry),
            workloadRules,
            results,
            serviceClusters,
            previous);
    }

    // Rules bound only to gateways (match.gateways without mesh) are not the sidecars' (Istio's semantics).
    // A VirtualService that delegates nothing (most) compiles its own rules without a DelegatedRule for each.
    private static List<RouteTemplate> RoutesOf(RouteBuilder routes, VirtualService vs, Dictionary<VirtualService, List<DelegatedRule>> delegated)
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

    // Ordered by name, the first built of any two with one name kept: one stable sort, then neighbours compared
    // (instead of a set of 4,000 names hashed per compile).
    private static List<Cluster> ByName(List<Cluster> clusters)
    {
        var order = new (string Name, int Index)[clusters.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = (clusters[i].Name, i);
        }

        Array.Sort(order, static (a, b) => string.CompareOrdinal(a.Name, b.Name) is var c and not 0 ? c : a.Index.CompareTo(b.Index));
        var sorted = new List<Cluster>(order.Length);
        for (var i = 0; i < order.Length; i++)
        {
            if (i == 0 || order[i].Name != order[i - 1].Name)
            {
                sorted.Add(clusters[order[i].Index]);
            }
        }

        return sorted;
    }

    private static T[] Sorted<T>(IReadOnlyList<T> resources)
        where T : IKubernetesObject<V1ObjectMeta> =>
        ResourceOrder.Sort(resources);

    // Gives each host to the oldest resource naming it; the others are told which resource holds it.
    private static Dictionary<string, T> ClaimHosts<T>(
        List<T> resources,
        Func<T, IEnumerable<string>> hostsOf,
        ServiceRegistry registry,
        Action<IKubernetesObject<V1ObjectMeta>, IReadOnlyCollection<Diagnostic>, bool> record)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var claims = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var resource in resources)
        {
            List<Diagnostic>? lost = null;
            var hosts = hostsOf(resource).Where(h => !h.Contains('*', StringComparison.Ordinal)).ToList();
            for (var i = 0; i < hosts.Count; i++)
            {
                var host = registry.Resolve(hosts[i], resource.Metadata.NamespaceProperty ?? "").Host;
                if (claims.TryGetValue(host, out var holder))
                {
                    if (!ReferenceEquals(holder, resource))
                    {
                        (lost ??= []).Add(new Diagnostic(ResourceRef.Of(resource), hosts.Count == 1 && resource is DestinationRule ? "spec.host" : $"spec.hosts[{i}]",
                            DiagnosticSeverity.Warning,
                            $"host {host} is already configured by the older {resource.Kind} {holder.Metadata.NamespaceProperty}/{holder.Metadata.Name}; ignored for this host",
                            DiagnosticCategory.Conflict));
                    }
                }
                else
                {
                    claims.Add(host, resource);
                }
            }

            record(resource, lost ?? [], lost is not null && lost.Count == hosts.Count);
        }

        return claims;
    }
}
