using System.Net;
using Mesh.Operator.Compiler;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>Checks a DestinationRule as Istio does: its host, its traffic policies and its subsets.</summary>
internal static class DestinationRuleValidator
{
    public static DiagnosticBag Validate(DestinationRule rule, ValidationContext context) =>
        SpecCheck.For(rule, CheckSpec).Run(context);

    private static DiagnosticBag CheckSpec(DestinationRule rule)
    {
        var bag = new DiagnosticBag(ResourceRef.Of(rule));
        if (rule.Spec is not { } spec)
        {
            bag.Error("spec", "spec is required");
            return bag;
        }

        var ns = rule.Metadata.NamespaceProperty ?? "";
        var hostValid = true;
        if (!string.IsNullOrEmpty(spec.Host) && DnsNames.CheckWildcardDomain(spec.Host) is { } syntax && !IPAddress.TryParse(spec.Host, out _))
        {
            bag.Error("spec.host", syntax);
            hostValid = false;
        }

        TrafficPolicyValidator.Validate(bag, spec.TrafficPolicy, "spec.trafficPolicy");
        ExportToValidator.Validate(bag, spec.ExportTo, ns, "spec.exportTo");
        WorkloadSelectorRules.Check(bag, spec);
        Dictionary<string, int>? names = null;
        for (var j = 0; j < (spec.Subsets?.Count ?? 0); j++)
        {
            var path = $"spec.subsets[{j}]";
            if (spec.Subsets![j] is not { } subset)
            {
                bag.Error(path, "a subset must not be null");
                continue;
            }

            if (string.IsNullOrEmpty(subset.Name))
            {
                bag.Error(path + ".name", "name is required");
            }
            else if (!DnsNames.IsLabel(subset.Name))
            {
                bag.Error(path + ".name", $"invalid subset name '{subset.Name}': letters, digits and '-', at most 63");
            }
            else if (!(names ??= new(StringComparer.Ordinal)).TryAdd(subset.Name, j))
            {
                bag.Error(path + ".name", $"duplicate subset name '{subset.Name}' (also spec.subsets[{names[subset.Name]}])");
            }

            LabelSyntax.Check(bag, path + ".labels", subset.Labels);
            TrafficPolicyValidator.Validate(bag, subset.TrafficPolicy, path + ".trafficPolicy");
        }

        if (hostValid)
        {
            bag.Defer((found, mesh) => CheckReferences(found, spec, ns, mesh));
        }

        return bag;
    }

    private static void CheckReferences(DiagnosticBag bag, DestinationRuleSpec spec, string ns, ValidationContext context)
    {
        WorkloadSelectorRules.CheckSelects(bag, spec, ns, context);
        var resolved = context.CheckHost(bag, "spec.host", spec.Host, ns, "the rule applies to traffic sent to it directly");
        if (resolved?.Service is not { } service)
        {
            return;
        }

        for (var j = 0; j < (spec.Subsets?.Count ?? 0); j++)
        {
            if (spec.Subsets![j] is { } subset &&
                !service.Endpoints.Values.Any(list => list.Exists(e => LabelSelector.Matches(subset.Labels, e.Labels))))
            {
                bag.Warning($"spec.subsets[{j}].labels", $"selects no endpoint of {service.Fqdn}");
            }
        }
    }
}
