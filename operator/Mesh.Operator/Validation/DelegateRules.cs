using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// Istio's rules for VirtualService delegation: a root rule with <c>delegate</c> has no action of its own and names
/// a VirtualService; a delegate (a VirtualService without hosts) has only http rules, binds to no gateway, does not
/// delegate further, and leaves sourceLabels and gateways of its matches to the root.
/// </summary>
internal static class DelegateRules
{
    public static void CheckRootRule(DiagnosticBag bag, HttpRoute rule, string path)
    {
        var reference = rule.Delegate!;
        var delegatePath = path + ".delegate";
        if (rule.Route is { Count: > 0 })
        {
            bag.Error(path + ".route", "a rule with a delegate has no route of its own (the delegate's rules route)");
        }

        if (rule.Redirect is not null)
        {
            bag.Error(path + ".redirect", "a rule with a delegate has no redirect of its own");
        }

        if (rule.DirectResponse is not null)
        {
            bag.Error(path + ".directResponse", "a rule with a delegate has no directResponse of its own");
        }

        if (string.IsNullOrEmpty(reference.Name))
        {
            bag.Error(delegatePath + ".name", "the delegate's name is required");
        }
        else if (!IsSubdomain(reference.Name))
        {
            bag.Error(delegatePath + ".name", $"'{reference.Name}' is not a valid resource name (RFC 1123 subdomain)");
        }

        if (reference.Namespace is { Length: > 0 } ns && !DnsNames.IsLabel(ns))
        {
            bag.Error(delegatePath + ".namespace", $"'{ns}' is not a valid namespace (RFC 1123 label)");
        }
    }

    /// <summary>The checks of a VirtualService without hosts.</summary>
    public static void CheckDelegate(DiagnosticBag bag, VirtualServiceSpec spec)
    {
        if (spec.Gateways is { Count: > 0 })
        {
            bag.Error("spec.gateways", "a delegate VirtualService (one without hosts) must have no gateways: its root's apply");
        }

        if (spec.Tcp is { Count: > 0 })
        {
            bag.Error("spec.tcp", "a delegate VirtualService (one without hosts) must have no tcp routes");
        }

        if (spec.Tls is { Count: > 0 })
        {
            bag.Error("spec.tls", "a delegate VirtualService (one without hosts) must have no tls routes");
        }

        for (var i = 0; i < (spec.Http?.Count ?? 0); i++)
        {
            if (spec.Http![i] is not { } rule)
            {
                continue;
            }

            if (rule.Delegate is not null)
            {
                bag.Error($"spec.http[{i}].delegate", "a delegate VirtualService cannot delegate further");
            }

            for (var k = 0; k < (rule.Match?.Count ?? 0); k++)
            {
                var match = rule.Match![k];
                if (match?.SourceLabels is { Count: > 0 })
                {
                    bag.Error($"spec.http[{i}].match[{k}].sourceLabels", "a delegate's match cannot set sourceLabels; set them in the root's match");
                }

                if (match?.Gateways is { Count: > 0 })
                {
                    bag.Error($"spec.http[{i}].match[{k}].gateways", "a delegate's match cannot set gateways; set them in the root's match");
                }
            }
        }
    }

    private static bool IsSubdomain(string name) =>
        name.Length <= 253 && name.Split('.').All(label => DnsNames.IsLabel(label) && label.ToLowerInvariant() == label);
}
