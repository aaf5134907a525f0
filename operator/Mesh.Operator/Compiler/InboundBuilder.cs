using System.Collections.Concurrent;
using System.Globalization;
using Mesh.Api.V1;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Compiler;

/// <summary>
/// Compiles the inbound side of a workload from the MeshPolicies that select it. A policy applies to a workload when
/// it is in the workload's namespace or the root namespace and its selector matches (no selector: its whole
/// namespace; in the root namespace: the whole mesh). mTLS resolves workload → namespace → root → PERMISSIVE,
/// the oldest policy winning at each level. A policy authorizes only when it sets <c>action</c> or <c>rules</c>,
/// so that an mTLS-only policy never denies traffic.
/// </summary>
internal sealed class InboundBuilder(IReadOnlyList<MeshPolicy> policies, string rootNamespace, ServiceRegistry registry)
{
    // Per namespace, whether Build and EgressFor read the same inputs as in the builder last compared against.
    private readonly ConcurrentDictionary<string, bool> _sameAs = new(StringComparer.Ordinal);

    // Sorted oldest first within each namespace, so the first applicable policy at a level is the one in force.
    private readonly ILookup<string, MeshPolicy> _policies = policies
        .OrderBy(p => p, ResourceOrder.Instance)
        .ToLookup(p => p.Metadata.NamespaceProperty ?? "", StringComparer.Ordinal);

    public InboundConfig Build(string ns, IReadOnlyDictionary<string, string> labels)
    {
        var applicable = Applicable(ns, labels);
        var inbound = new InboundConfig { MtlsMode = ResolveMtls(applicable, ns) };

        var workloadLevel = applicable.FirstOrDefault(p => Selector(p) is not null && p.Spec.PortLevelMtls is { Count: > 0 });
        AddPortMtls(inbound, workloadLevel);

        inbound.Authorization.AddRange(applicable
            .Where(p => p.Spec.Action is not null || p.Spec.Rules is not null)
            .Select(Authorization)
            .OrderBy(a => a.Action == AuthorizationPolicy.Types.Action.Deny ? 0 : 1)
            .ThenBy(a => a.Name, StringComparer.Ordinal));
        inbound.RateLimits.AddRange(applicable
            .Where(p => p.Spec.RateLimit is not null)
            .Select(p => new RateLimit
            {
                Name = Name(p),
                RequestsPerSecond = p.Spec.RateLimit!.RequestsPerSecond ?? 0,
                Burst = (uint)(p.Spec.RateLimit.Burst ?? 0),
            })
            .OrderBy(r => r.Name, StringComparer.Ordinal));
        inbound.Services.AddRange(registry.ByNamespace[ns]
            .Where(s => s.Selector is { } selector && LabelSelector.Matches(selector, labels))
            .Select(s => s.Fqdn));
        return inbound;
    }

    /// <summary>
    /// Whether <see cref="Build"/> and <see cref="EgressFor"/> give every workload of <paramref name="ns"/> what
    /// <paramref name="previous"/>'s give: the same policy objects in the namespace and the root namespace (the
    /// sources keep unchanged objects), and the namespace's services with the same names and selectors. Cached per
    /// namespace; a builder is compared against one previous builder only.
    /// </summary>
    public bool SameAs(string ns, InboundBuilder previous) =>
        _sameAs.GetOrAdd(ns, static (ns, pair) => pair.This.Compare(ns, pair.Previous), (This: this, Previous: previous));

    /// <summary>The egress scope of the workload's proxy (see <see cref="EgressScope.Resolve"/>); null: the whole mesh.</summary>
    public EgressScope? EgressFor(string ns, IReadOnlyDictionary<string, string> labels) =>
        EgressScope.Resolve(Applicable(ns, labels), ns, rootNamespace);

    private ServiceRegistry Registry => registry;

    private bool Compare(string ns, InboundBuilder previous)
    {
        if (rootNamespace != previous.RootNamespace ||
            !_policies[ns].SequenceEqual(previous._policies[ns], ReferenceEqualityComparer.Instance) ||
            !_policies[rootNamespace].SequenceEqual(previous._policies[rootNamespace], ReferenceEqualityComparer.Instance))
        {
            return false;
        }

        var services = registry.ByNamespace[ns].ToList();
        var before = previous.Registry.ByNamespace[ns].ToList();
        if (services.Count != before.Count)
        {
            return false;
        }

        for (var i = 0; i < services.Count; i++)
        {
            if (services[i].Fqdn != before[i].Fqdn || !LabelSelector.Same(services[i].Selector, before[i].Selector))
            {
                return false;
            }
        }

        return true;
    }

    private string RootNamespace => rootNamespace;

    private List<MeshPolicy> Applicable(string ns, IReadOnlyDictionary<string, string> labels)
    {
        var candidates = ns == rootNamespace ? _policies[ns] : _policies[ns].Concat(_policies[rootNamespace]);
        return [.. candidates.Where(p => Applies(p, ns, labels)).OrderBy(p => p, ResourceOrder.Instance)];
    }

    private bool Applies(MeshPolicy policy, string ns, IReadOnlyDictionary<string, string> labels)
    {
        var policyNs = policy.Metadata.NamespaceProperty;
        return (policyNs == ns || policyNs == rootNamespace) && LabelSelector.Matches(Selector(policy), labels);
    }

    private MtlsMode ResolveMtls(List<MeshPolicy> applicable, string ns)
    {
        var withMode = applicable.Where(p => Mode(p.Spec.Mtls?.Mode) is not null).ToList();
        var winner = withMode.FirstOrDefault(p => Selector(p) is not null)
            ?? withMode.FirstOrDefault(p => p.Metadata.NamespaceProperty == ns)
            ?? withMode.FirstOrDefault(p => p.Metadata.NamespaceProperty == rootNamespace);
        return Mode(winner?.Spec.Mtls?.Mode) ?? MtlsMode.Permissive;
    }

    private static IReadOnlyDictionary<string, string>? Selector(MeshPolicy policy) =>
        policy.Spec.Selector?.MatchLabels is { Count: > 0 } labels ? labels : null;

    private static MtlsMode? Mode(string? mode) => mode switch
    {
        "STRICT" => MtlsMode.Strict,
        "PERMISSIVE" => MtlsMode.Permissive,
        "DISABLE" => MtlsMode.Disable,
        _ => null,
    };

    private static string Name(MeshPolicy policy) => $"{policy.Metadata.NamespaceProperty}/{policy.Metadata.Name}";

    /// <summary>
    /// Compiles what <see cref="Build"/> would compile of one policy. The compiler calls it once per policy so that a
    /// policy that throws is reported and left out at compile time rather than failing each proxy's config later.
    /// </summary>
    internal static void Check(MeshPolicy policy)
    {
        _ = Authorization(policy);
        AddPortMtls(new InboundConfig(), policy);
    }

    private static void AddPortMtls(InboundConfig inbound, MeshPolicy? workloadLevel)
    {
        foreach (var (port, settings) in (workloadLevel?.Spec.PortLevelMtls ?? []).OrderBy(p => int.Parse(p.Key, CultureInfo.InvariantCulture)))
        {
            if (Mode(settings.Mode) is { } mode)
            {
                inbound.PortMtls.Add(uint.Parse(port, CultureInfo.InvariantCulture), mode);
            }
        }
    }

    private static AuthorizationPolicy Authorization(MeshPolicy policy)
    {
        var result = new AuthorizationPolicy
        {
            Name = Name(policy),
            Action = policy.Spec.Action == "DENY" ? AuthorizationPolicy.Types.Action.Deny : AuthorizationPolicy.Types.Action.Allow,
        };
        foreach (var rule in policy.Spec.Rules ?? [])
        {
            var compiled = new AuthorizationRule();
            foreach (var from in rule.From ?? [])
            {
                var source = new AuthorizationSource();
                source.Principals.AddRange(from.Principals ?? []);
                source.NotPrincipals.AddRange(from.NotPrincipals ?? []);
                source.Namespaces.AddRange(from.Namespaces ?? []);
                source.NotNamespaces.AddRange(from.NotNamespaces ?? []);
                compiled.From.Add(source);
            }

            foreach (var to in rule.To ?? [])
            {
                var operation = new AuthorizationOperation();
                operation.Paths.AddRange(to.Paths ?? []);
                operation.NotPaths.AddRange(to.NotPaths ?? []);
                operation.Methods.AddRange(to.Methods ?? []);
                operation.NotMethods.AddRange(to.NotMethods ?? []);
                operation.Ports.AddRange((to.Ports ?? []).Select(p => (uint)p));
                compiled.To.Add(operation);
            }

            result.Rules.Add(compiled);
        }

        return result;
    }
}
