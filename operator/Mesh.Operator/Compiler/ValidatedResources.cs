using System.Collections.Immutable;
using k8s;
using k8s.Models;
using Mesh.Operator.Resources;
using Mesh.Operator.Validation;

namespace Mesh.Operator.Compiler;

/// <summary>
/// The mesh resources of one compile, validated: the valid DestinationRules and the host each holds, the valid
/// VirtualServices bound to sidecars with their delegates merged and the host each holds, the valid MeshPolicies, and
/// what was reported on them. Where several resources claim one host, the oldest wins as in Istio's sidecars and the
/// others are reported Conflicted for that host. The next compile takes this over when it has the same objects (in
/// the same order), the same root namespace, and a registry that answers every reference check alike
/// (<see cref="RegistryView"/>): an endpoint-only change validates nothing again. Immutable.
/// </summary>
internal sealed class ValidatedResources
{
    private readonly ImmutableArray<DestinationRule> _ruleInputs;
    private readonly ImmutableArray<VirtualService> _virtualServiceInputs;
    private readonly ImmutableArray<MeshPolicy> _policyInputs;
    private readonly string _rootNamespace;
    private readonly ServiceRegistry _registry;

    // Whether some rule or policy has a selector, whose check reads the workloads' labels.
    private readonly bool _readsWorkloads;
    private readonly PhaseReport _reports;

    private ValidatedResources(ValidatedResources validated, ServiceRegistry registry)
        : this(validated._ruleInputs, validated._virtualServiceInputs, validated._policyInputs, validated._rootNamespace, registry, validated._readsWorkloads, validated._reports)
    {
        Rules = validated.Rules;
        RuleByHost = validated.RuleByHost;
        VirtualServices = validated.VirtualServices;
        Delegated = validated.Delegated;
        ServiceByHost = validated.ServiceByHost;
        Policies = validated.Policies;
    }

    private ValidatedResources(
        ImmutableArray<DestinationRule> ruleInputs,
        ImmutableArray<VirtualService> virtualServiceInputs,
        ImmutableArray<MeshPolicy> policyInputs,
        string rootNamespace,
        ServiceRegistry registry,
        bool readsWorkloads,
        PhaseReport reports)
    {
        _ruleInputs = ruleInputs;
        _virtualServiceInputs = virtualServiceInputs;
        _policyInputs = policyInputs;
        _rootNamespace = rootNamespace;
        _registry = registry;
        _readsWorkloads = readsWorkloads;
        _reports = reports;
    }

    /// <summary>The valid DestinationRules, oldest first.</summary>
    public IReadOnlyList<DestinationRule> Rules { get; private init; } = [];

    /// <summary>The DestinationRule (without a workloadSelector) that holds each host.</summary>
    public IReadOnlyDictionary<string, DestinationRule> RuleByHost { get; private init; } = new Dictionary<string, DestinationRule>();

    /// <summary>The valid VirtualServices bound to sidecars, oldest first.</summary>
    public IReadOnlyList<VirtualService> VirtualServices { get; private init; } = [];

    /// <summary>The rules of each root VirtualService that delegates, its delegates' merged in.</summary>
    public IReadOnlyDictionary<VirtualService, List<DelegatedRule>> Delegated { get; private init; } = new Dictionary<VirtualService, List<DelegatedRule>>();

    /// <summary>The VirtualService that holds each host.</summary>
    public IReadOnlyDictionary<string, VirtualService> ServiceByHost { get; private init; } = new Dictionary<string, VirtualService>();

    /// <summary>The valid MeshPolicies that compile, oldest first.</summary>
    public IReadOnlyList<MeshPolicy> Policies { get; private init; } = [];

    /// <summary>
    /// Validates the snapshot's mesh resources against <paramref name="registry"/>, reporting to
    /// <paramref name="outcomes"/>; or takes over <paramref name="previous"/> and reports what it reported.
    /// </summary>
    public static ValidatedResources Validate(MeshSnapshot snapshot, ServiceRegistry registry, string rootNamespace, CompileOutcomes outcomes, ValidatedResources? previous)
    {
        if (previous is not null && previous.SameInputs(snapshot, registry, rootNamespace))
        {
            outcomes.Replay(previous._reports);
            return new ValidatedResources(previous, registry);
        }

        outcomes.StartPhase(snapshot.DestinationRules.Length + snapshot.VirtualServices.Length + snapshot.MeshPolicies.Length);
        var noRules = new ValidationContext(registry, new Dictionary<string, DestinationRule>(), rootNamespace);
        var rules = ResourceOrder.Sort(snapshot.DestinationRules).Where(r => outcomes.Valid(r, r => DestinationRuleValidator.Validate(r, noRules))).ToList();
        var ruleByHost = ClaimHosts([.. rules.Where(r => r.Spec.WorkloadSelector is null)], r => [r.Spec.Host!], registry, outcomes);

        var context = new ValidationContext(registry, ruleByHost, rootNamespace, SelectedRuleSubsets.Build(rules.Where(r => r.Spec.WorkloadSelector is not null), registry));
        var virtualServices = ResourceOrder.Sort(snapshot.VirtualServices)
            .Where(v => outcomes.Valid(v, v => VirtualServiceValidator.Validate(v, context)) && v.Spec.AppliesToSidecars)
            .ToList();
        var delegated = Delegation.Resolve(snapshot.VirtualServices, virtualServices, (v, d) => outcomes.Record(v, [d]), outcomes.Note);
        var serviceByHost = ClaimHosts([.. virtualServices.Where(v => !v.Spec.IsDelegate)], v => v.Spec.Hosts!, registry, outcomes);
        var policies = ResourceOrder.Sort(snapshot.MeshPolicies)
            .Where(p => outcomes.Valid(p, p => MeshPolicyValidator.Validate(p, context)) && outcomes.Compiles(p, InboundBuilder.Check))
            .ToList();
        var readsWorkloads = snapshot.DestinationRules.Any(r => r.Spec?.WorkloadSelector?.MatchLabels is { Count: > 0 }) ||
            snapshot.MeshPolicies.Any(p => p.Spec?.Selector?.MatchLabels is { Count: > 0 });
        return new ValidatedResources(snapshot.DestinationRules, snapshot.VirtualServices, snapshot.MeshPolicies, rootNamespace, registry, readsWorkloads, outcomes.EndPhase())
        {
            Rules = rules,
            RuleByHost = ruleByHost,
            VirtualServices = virtualServices,
            Delegated = delegated,
            ServiceByHost = serviceByHost,
            Policies = policies,
        };
    }

    // The same objects in the same order (sources keep the objects of unchanged resources), read against a registry
    // that answers alike: the validators' reference checks, the host claims and the delegation all come out the same.
    private bool SameInputs(MeshSnapshot snapshot, ServiceRegistry registry, string rootNamespace) =>
        rootNamespace == _rootNamespace &&
        Same(snapshot.DestinationRules, _ruleInputs) && Same(snapshot.VirtualServices, _virtualServiceInputs) && Same(snapshot.MeshPolicies, _policyInputs) &&
        RegistryView.SameServices(registry, _registry) && RegistryView.SameLabels(registry, _registry, _readsWorkloads);

    private static bool Same<T>(ImmutableArray<T> a, ImmutableArray<T> b)
        where T : class
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!ReferenceEquals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    // Gives each host to the oldest resource naming it; the others are told which resource holds it.
    private static Dictionary<string, T> ClaimHosts<T>(List<T> resources, Func<T, IEnumerable<string>> hostsOf, ServiceRegistry registry, CompileOutcomes outcomes)
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

            outcomes.Record(resource, lost ?? [], lost is not null && lost.Count == hosts.Count);
        }

        return claims;
    }
}
