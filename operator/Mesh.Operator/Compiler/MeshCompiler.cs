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
    /// <param name="previous">The compile before this one, if any: what was compiled from equal inputs (validation,
    /// route templates, clusters, virtual hosts) is taken over instead of built again. The result is the same with or
    /// without it.</param>
    public static CompiledMesh Compile(MeshSnapshot snapshot, MeshCompilerOptions? options = null, CompiledMesh? previous = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        options ??= new MeshCompilerOptions();
        var outcomes = new CompileOutcomes();

        // Services, Pods and EndpointSlices get a result only when something is wrong with them.
        var kubernetes = snapshot with
        {
            Services = [.. snapshot.Services.Where(s => outcomes.Valid(s, KubernetesObjectValidator.Validate, recordClean: false))],
            Pods = [.. snapshot.Pods.Where(p => outcomes.Valid(p, KubernetesObjectValidator.Validate, recordClean: false))],
            EndpointSlices = [.. snapshot.EndpointSlices.Where(e => outcomes.Valid(e, KubernetesObjectValidator.Validate, recordClean: false))],
        };
        var entries = Sorted(snapshot.WorkloadEntries).Where(e => outcomes.Valid(e, WorkloadEntryValidator.Validate)).ToList();
        var registry = ServiceRegistry.Build(kubernetes, entries, options.TrustDomain, (service, ex) => outcomes.Record(service, [CompileFailure.Of(service, "compiled", ex)]));
        var validated = ValidatedResources.Validate(snapshot, registry, options.RootNamespace, outcomes, previous?.Work.Validated);

        // A rule whose clusters fail to build holds its host no longer: removed from a copy, as the validated
        // resources may be the previous compile's.
        var ruleByHost = validated.RuleByHost;
        var clusters = new List<Cluster>();
        var serviceClusters = new Dictionary<string, ServiceClusters>(StringComparer.Ordinal);
        var compiled = new List<MeshService>(registry.Services.Count);
        void AddClusters(MeshService service, DestinationRule? rule)
        {
            var built = ServiceClusters.For(service, rule, previous?.ClustersOf(service.Fqdn));
            clusters.AddRange(built.Clusters);
            serviceClusters[service.Fqdn] = built;
        }

        foreach (var service in registry.Services)
        {
            ruleByHost.TryGetValue(service.Fqdn, out var rule);
            if (rule is not null && !outcomes.Compiles(rule, r => AddClusters(service, r)))
            {
                var remaining = new Dictionary<string, DestinationRule>(ruleByHost, StringComparer.Ordinal);
                remaining.Remove(service.Fqdn);
                ruleByHost = remaining;
                rule = null;
            }

            if (rule is null && !outcomes.Compiles(service.Service, _ => AddClusters(service, null)))
            {
                continue;
            }

            compiled.Add(service);
        }

        var routes = RouteTables.Build(registry, compiled, validated, outcomes, previous?.Work.Routes);
        var hosts = new List<HostEntry>(compiled.Count);
        var listeners = new List<TcpListenerEntry>();
        for (var i = 0; i < compiled.Count; i++)
        {
            var (service, tables) = (compiled[i], routes.Hosts[i]);
            // A host with routes from a VirtualService; one whose entry fails to build falls back to the default route.
            HostEntry? entry = null;
            var routed = tables.Source.Length > 0;
            if (!routed || !outcomes.Compiles(validated.ServiceByHost[service.Fqdn], _ => entry = new HostEntry(service, tables.Source, tables.Http, routes.Selectors, previous?.HostOf(service.Fqdn))))
            {
                entry = new HostEntry(service, "", routed ? RouteBuilder.DefaultRoutes(service) : tables.Http, routes.Selectors, previous?.HostOf(service.Fqdn));
            }

            hosts.Add(entry!);
            foreach (var port in tables.Opaque)
            {
                listeners.Add(new TcpListenerEntry(service, port.Port, port.Tls, port.Routes));
            }
        }

        foreach (var (host, port) in routes.ExternalDestinations)
        {
            var rule = ruleByHost.GetValueOrDefault(host);
            if (rule is null || !outcomes.Compiles(rule, r => clusters.Add(ClusterBuilder.External(host, port, r))))
            {
                clusters.Add(ClusterBuilder.External(host, port, null));
            }
        }

        var workloadRules = WorkloadRuleBuilder.Build(
            [.. validated.Rules.Where(r => r.Spec.WorkloadSelector is not null)], registry, routes.ExternalDestinations, new SecretCredentials(snapshot.Secrets), outcomes.Compiles, outcomes.Record);

        // After every real cluster: ByName keeps the first of one name, so a stand-in only fills a gap.
        clusters.AddRange(workloadRules.SubsetStandIns());
        return new CompiledMesh(
            options,
            hosts,
            [.. listeners.OrderBy(l => l.Name, StringComparer.Ordinal)],
            ByName(clusters),
            routes.Selectors,
            new InboundBuilder([.. validated.Policies], options.RootNamespace, registry),
            workloadRules,
            outcomes.Results(previous?.Work.Outcomes),
            serviceClusters,
            new ReusableWork(validated, routes, outcomes),
            previous);
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
}
