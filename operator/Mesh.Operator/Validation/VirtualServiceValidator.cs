using System.Net;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// Checks a VirtualService as Istio's validator does: its hosts (syntax, <c>*</c>, overlaps), its gateways, that it
/// has routes, each HTTP, TCP and TLS rule, delegation (<see cref="DelegateRules"/>; no hosts makes it a delegate),
/// and (as warnings) rules that can never match.
/// </summary>
internal static class VirtualServiceValidator
{
    public static DiagnosticBag Validate(VirtualService vs, ValidationContext context) =>
        SpecCheck.For(vs, CheckSpec).Run(context);

    private static DiagnosticBag CheckSpec(VirtualService vs)
    {
        var bag = new DiagnosticBag(ResourceRef.Of(vs));
        var spec = vs.Spec;
        if (spec is null)
        {
            bag.Error("spec", "spec is required");
            return bag;
        }

        var ns = vs.Metadata.NamespaceProperty ?? "";
        if (spec.IsDelegate)
        {
            DelegateRules.CheckDelegate(bag, spec);
        }
        else
        {
            CheckGateways(bag, spec);
            CheckHosts(bag, spec, ns);
        }

        ExportToValidator.Validate(bag, spec.ExportTo, ns, "spec.exportTo");

        if (spec.Http is not { Count: > 0 } && spec.Tcp is not { Count: > 0 } && spec.Tls is not { Count: > 0 })
        {
            bag.Error("spec.http", "http, tcp or tls routes are required");
        }

        for (var i = 0; i < (spec.Tcp?.Count ?? 0); i++)
        {
            L4RouteValidator.ValidateTcp(bag, spec.Tcp![i], $"spec.tcp[{i}]", ns);
        }

        for (var i = 0; i < (spec.Tls?.Count ?? 0); i++)
        {
            L4RouteValidator.ValidateTls(bag, spec, i, ns);
        }

        Dictionary<string, int>? names = null;
        for (var i = 0; i < (spec.Http?.Count ?? 0); i++)
        {
            var rule = spec.Http![i];
            var path = $"spec.http[{i}]";
            if (rule is null)
            {
                bag.Error(path, "an http route must not be null");
                continue;
            }

            if (rule.Name is { Length: > 0 } name && !(names ??= new(StringComparer.Ordinal)).TryAdd(name, i))
            {
                bag.Error(path + ".name", $"duplicate rule name '{name}' (also spec.http[{names[name]}])");
            }

            HttpRouteValidator.Validate(bag, rule, path, ns);
            if (rule.Delegate is not null && !spec.IsDelegate)
            {
                DelegateRules.CheckRootRule(bag, rule, path);
            }
        }

        UnreachableRules.Analyze(bag, spec.Http);
        return bag;
    }

    private static void CheckGateways(DiagnosticBag bag, VirtualServiceSpec spec)
    {
        for (var i = 0; i < (spec.Gateways?.Count ?? 0); i++)
        {
            var gateway = spec.Gateways![i];
            if (GatewayNames.Check(gateway) is { } problem)
            {
                bag.Error($"spec.gateways[{i}]", problem);
                continue;
            }

            if (GatewayNames.LegacyHint(gateway) is { } hint)
            {
                bag.Warning($"spec.gateways[{i}]", hint);
            }

            if (gateway != VirtualServiceSpec.MeshGateway)
            {
                bag.Warning($"spec.gateways[{i}]", spec.AppliesToSidecars
                    ? $"gateway-only: the mesh has no gateway '{gateway}'; the rules apply to the sidecars ('mesh') only"
                    : $"gateway-only: bound to gateway '{gateway}' and not to 'mesh', so it configures no sidecar; ignored (add 'mesh' to apply it to sidecars)");
            }
        }
    }

    private static void CheckHosts(DiagnosticBag bag, VirtualServiceSpec spec, string ns)
    {
        // Not a delegate (IsDelegate): there are hosts.
        var hosts = spec.Hosts!;

        var allValid = true;
        for (var i = 0; i < hosts.Count; i++)
        {
            var path = $"spec.hosts[{i}]";
            if (string.IsNullOrEmpty(hosts[i]))
            {
                bag.Error(path, "a host must not be empty");
                allValid = false;
            }
            else if (DnsNames.CheckWildcardDomain(hosts[i]) is { } problem && !IPAddress.TryParse(hosts[i], out _) && !AutoSniDomain.IsAccepted(spec, hosts[i]))
            {
                bag.Error(path, problem);
                allValid = false;
            }
            else if (hosts[i] == "*" && spec.AppliesToSidecars)
            {
                bag.Error(path, "the wildcard host * is not allowed for a VirtualService bound to the mesh");
                allValid = false;
            }
            else if (spec.AppliesToSidecars)
            {
                var host = hosts[i];
                bag.Defer((found, mesh) => mesh.CheckHost(found, path, host, ns, "its rules are ignored"));
            }
        }

        // Istio compares hosts as written: a wildcard overlapping another host is a duplicate too.
        for (var i = 0; allValid && i < hosts.Count; i++)
        {
            for (var j = i + 1; j < hosts.Count; j++)
            {
                if (DnsNames.Overlap(hosts[i], hosts[j]))
                {
                    bag.Error($"spec.hosts[{j}]", $"duplicate hosts in the VirtualService: '{hosts[i]}' and '{hosts[j]}'");
                }
            }
        }
    }
}
