using Mesh.Operator.Compiler;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// The subsets that DestinationRules with a workloadSelector define, by host. Istio accepts a route to such a subset
/// (its analyzer counts the subsets of every rule for the host); only the proxies a defining rule selects have the
/// subset's cluster, the others answer 503. Of two rules with the same selector for one host in one namespace only the
/// older applies (as <see cref="WorkloadRuleBuilder"/> decides), so the younger's subsets are not counted.
/// </summary>
internal sealed class SelectedRuleSubsets
{
    public static readonly SelectedRuleSubsets None = new([]);

    private readonly Dictionary<(string Host, string Subset), List<DestinationRule>> _rules;

    private SelectedRuleSubsets(Dictionary<(string Host, string Subset), List<DestinationRule>> rules)
    {
        _rules = rules;
    }

    /// <param name="rules">The valid rules with a workloadSelector, oldest first.</param>
    public static SelectedRuleSubsets Build(IEnumerable<DestinationRule> rules, ServiceRegistry registry)
    {
        Dictionary<(string Host, string Subset), List<DestinationRule>>? bySubset = null;
        HashSet<(string Namespace, string Selector, string Host)>? holders = null;
        foreach (var rule in rules)
        {
            var ns = rule.Metadata.NamespaceProperty ?? "";
            var host = registry.Resolve(rule.Spec.Host!, ns).Host;
            if (!(holders ??= []).Add((ns, LabelSelector.Canonical(rule.Spec.WorkloadSelector?.MatchLabels ?? []), host)) ||
                rule.Spec.Subsets is not { Count: > 0 } subsets)
            {
                continue;
            }

            foreach (var name in subsets.Select(s => s?.Name).OfType<string>().Distinct(StringComparer.Ordinal))
            {
                bySubset ??= [];
                if (!bySubset.TryGetValue((host, name), out var defining))
                {
                    bySubset.Add((host, name), defining = []);
                }

                defining.Add(rule);
            }
        }

        return bySubset is null ? None : new SelectedRuleSubsets(bySubset);
    }

    /// <summary>The workload-selected rules that define <paramref name="subset"/> of <paramref name="host"/> (an FQDN).</summary>
    public IReadOnlyList<DestinationRule> Defining(string host, string subset) =>
        _rules.TryGetValue((host, subset), out var rules) ? rules : [];

    /// <summary>Which workloads a rule applies to, for messages: "workloads in namespace NS labelled k=v".</summary>
    public static string Workloads(DestinationRule rule)
    {
        var ns = rule.Metadata.NamespaceProperty ?? "";
        return rule.Spec.WorkloadSelector?.MatchLabels is { Count: > 0 } labels
            ? $"the workloads in namespace {ns} labelled {LabelSelector.Canonical(labels)}"
            : $"every workload in namespace {ns}";
    }
}
