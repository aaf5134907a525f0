using Mesh.Operator.Compiler;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// A DestinationRule's workloadSelector as Istio checks it (label syntax; no labels is valid with a warning), and
/// credentialName, which sidecars read only from a rule with a selector (Istio's rule: without one the field is for
/// gateways and sidecars keep to the file paths).
/// </summary>
internal static class WorkloadSelectorRules
{
    public static void Check(DiagnosticBag bag, DestinationRuleSpec spec)
    {
        if (spec.WorkloadSelector is { } selector)
        {
            LabelSyntax.Check(bag, "spec.workloadSelector.matchLabels", selector.MatchLabels);
            if (selector.MatchLabels is not { Count: > 0 })
            {
                bag.Warning("spec.workloadSelector", "a workload selector without labels selects every workload in the rule's namespace");
            }

            return;
        }

        foreach (var (path, tls) in TlsSections(spec))
        {
            if (!string.IsNullOrEmpty(tls.CredentialName))
            {
                bag.Warning(path + ".credentialName", "sidecars read credentialName only from a DestinationRule with a workloadSelector (Istio's rule); ignored here, the file paths apply");
            }
        }
    }

    public static void CheckSelects(DiagnosticBag bag, DestinationRuleSpec spec, string ns, ValidationContext context)
    {
        if (spec.WorkloadSelector?.MatchLabels is { Count: > 0 } labels &&
            !context.Registry.Workloads.Any(w => w.Namespace == ns && LabelSelector.Matches(labels, w.Labels)))
        {
            bag.Warning("spec.workloadSelector.matchLabels", $"selects no workload in namespace {ns}");
        }
    }

    /// <summary>Every tls section of the rule, with its field path.</summary>
    public static IEnumerable<(string Path, ClientTlsSettings Tls)> TlsSections(DestinationRuleSpec spec)
    {
        foreach (var section in TlsSections(spec.TrafficPolicy, "spec.trafficPolicy"))
        {
            yield return section;
        }

        for (var i = 0; i < (spec.Subsets?.Count ?? 0); i++)
        {
            foreach (var section in TlsSections(spec.Subsets![i]?.TrafficPolicy, $"spec.subsets[{i}].trafficPolicy"))
            {
                yield return section;
            }
        }
    }

    private static IEnumerable<(string Path, ClientTlsSettings Tls)> TlsSections(TrafficPolicySpec? policy, string path)
    {
        if (policy?.Tls is { } tls)
        {
            yield return (path + ".tls", tls);
        }

        for (var i = 0; i < (policy?.PortLevelSettings?.Count ?? 0); i++)
        {
            if (policy!.PortLevelSettings![i]?.Tls is { } portTls)
            {
                yield return ($"{path}.portLevelSettings[{i}].tls", portTls);
            }
        }
    }
}
