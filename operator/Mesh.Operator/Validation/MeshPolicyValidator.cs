using System.Globalization;
using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>Checks a MeshPolicy: modes, actions, rule ports, rate limits, egress hosts, and that its selector selects something.</summary>
internal static class MeshPolicyValidator
{
    public static readonly string[] MtlsModes = ["STRICT", "PERMISSIVE", "DISABLE", "UNSET"];

    public static DiagnosticBag Validate(MeshPolicy policy, ValidationContext context) =>
        SpecCheck.For(policy, CheckSpec).Run(context);

    private static DiagnosticBag CheckSpec(MeshPolicy policy)
    {
        var bag = new DiagnosticBag(ResourceRef.Of(policy));
        if (policy.Spec is not { } spec)
        {
            bag.Error("spec", "spec is required");
            return bag;
        }

        LabelSyntax.Check(bag, "spec.selector.matchLabels", spec.Selector?.MatchLabels);
        var ns = policy.Metadata.NamespaceProperty ?? "";
        var selector = spec.Selector?.MatchLabels is { Count: > 0 } labels ? labels : null;
        if (selector is not null)
        {
            bag.Defer((found, mesh) =>
            {
                if (!mesh.Registry.Workloads.Any(w => (ns == mesh.RootNamespace || w.Namespace == ns) && LabelSelector.Matches(selector, w.Labels)))
                {
                    found.Warning("spec.selector.matchLabels", "selects no workload");
                }
            });
        }

        ValidationContext.CheckEnum(bag, "spec.mtls.mode", spec.Mtls?.Mode, MtlsModes);
        foreach (var (port, settings) in spec.PortLevelMtls ?? [])
        {
            var path = FieldPath.Property("spec.portLevelMtls", port);
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                bag.Error(path, $"'{port}' is not a port number (1-65535)");
            }

            if (settings is null)
            {
                bag.Error(path, "port settings must not be null");
            }

            ValidationContext.CheckEnum(bag, new(path, ".mode"), settings?.Mode, MtlsModes);
        }

        if (spec.PortLevelMtls is { Count: > 0 } && selector is null)
        {
            bag.Error("spec.portLevelMtls", "portLevelMtls needs a selector");
        }

        ValidationContext.CheckEnum(bag, "spec.action", spec.Action, "ALLOW", "DENY");
        AuthorizationRuleValidator.Validate(bag, spec);

        if (spec.RateLimit is { } limit)
        {
            if (limit.RequestsPerSecond is not > 0)
            {
                bag.Error("spec.rateLimit.requestsPerSecond", "requestsPerSecond is required and must be positive");
            }

            ValidationContext.CheckRange(bag, "spec.rateLimit.burst", limit.Burst, 0, int.MaxValue);
        }

        if (spec.Egress is { } egress)
        {
            if (egress.Hosts is not { Count: > 0 })
            {
                bag.Error("spec.egress.hosts", "hosts is required: NAMESPACE/HOST entries such as ./* or istio-system/*");
            }

            for (var i = 0; i < (egress.Hosts?.Count ?? 0); i++)
            {
                if (EgressScope.CheckEntry(egress.Hosts![i]) is { } problem)
                {
                    bag.Error($"spec.egress.hosts[{i}]", problem);
                }
            }
        }

        return bag;
    }
}
