using System.Net;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>Checks a destination (of a route or a mirror): host syntax and existence, subset, port.</summary>
internal static class DestinationValidator
{
    /// <summary>Checks the destination's syntax and defers what needs the mesh (the host, its ports and subsets).</summary>
    public static void Validate(DiagnosticBag bag, Destination? destination, string path, string ns)
    {
        if (destination is null)
        {
            bag.Error(path, "destination is required");
            return;
        }

        if (destination.Host == "*")
        {
            bag.Error(path + ".host", "the wildcard host * is not a valid destination");
            return;
        }

        if (!string.IsNullOrEmpty(destination.Host) && DnsNames.CheckWildcardDomain(destination.Host) is { } syntax &&
            !IPAddress.TryParse(destination.Host, out _))
        {
            bag.Error(path + ".host", syntax);
            return;
        }

        if (!string.IsNullOrEmpty(destination.Subset) && !DnsNames.IsLabel(destination.Subset))
        {
            bag.Error(path + ".subset", $"invalid subset name '{destination.Subset}': letters, digits and '-', at most 63");
            return;
        }

        if (destination.Port is { Number: null })
        {
            bag.Error(path + ".port.number", "a port selector needs a number");
        }

        ValidationContext.CheckRange(bag, new(path, ".port.number"), destination.Port?.Number, 1, 65535);
        bag.Defer((found, mesh) => CheckReferences(found, destination, path, ns, mesh));
    }

    private static void CheckReferences(DiagnosticBag bag, Destination destination, string path, string ns, ValidationContext context)
    {
        var resolved = context.CheckHost(bag, new(path, ".host"), destination.Host, ns, "traffic is sent to it directly");
        var port = destination.Port?.Number;
        if (resolved is not { Service: { } service } target)
        {
            if (resolved is not null && !string.IsNullOrEmpty(destination.Subset))
            {
                bag.UnresolvedRef(path + ".subset", $"unknown subset '{destination.Subset}': host {resolved.Value.Host} is outside the mesh");
            }

            return;
        }

        if (port is { } number && service.FindPort(number) is null)
        {
            bag.UnresolvedRef(path + ".port.number", $"service {target.Host} has no port {number}");
        }
        else if (port is null && service.Ports.Count > 1)
        {
            bag.Error(path + ".port", $"service {target.Host} has several ports; destination.port.number is required");
        }

        if (!string.IsNullOrEmpty(destination.Subset))
        {
            var rule = context.RuleFor(target.Host);
            if (rule?.Spec.Subsets?.Exists(s => s?.Name == destination.Subset) == true)
            {
                return;
            }

            if (context.SelectedSubsets.Defining(target.Host, destination.Subset) is { Count: > 0 } selected)
            {
                bag.Warning(path + ".subset", OnlySelected(destination.Subset, target.Host, selected));
            }
            else
            {
                var subsets = rule?.Spec.Subsets?.Select(s => s?.Name).OfType<string>() ?? [];
                bag.UnresolvedRef(path + ".subset", rule is null
                    ? $"unknown subset '{destination.Subset}': no DestinationRule defines subsets for {target.Host}"
                    : $"unknown subset '{destination.Subset}' of {target.Host} (DestinationRule {rule.Metadata.NamespaceProperty}/{rule.Metadata.Name} defines: {string.Join(", ", subsets)})");
            }
        }
    }

    // Istio accepts the route; its sidecars that no defining rule selects have no such cluster and answer 503 NC.
    private static string OnlySelected(string subset, string host, IReadOnlyList<DestinationRule> rules) =>
        $"subset '{subset}' of {host} is defined only by the workload-selected DestinationRule "
        + string.Join("; ", rules.Select(r => $"{r.Metadata.NamespaceProperty}/{r.Metadata.Name} (for {SelectedRuleSubsets.Workloads(r)})"))
        + ": only the proxies of those workloads have it; the others answer 503 for this destination";
}
