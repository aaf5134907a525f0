using System.Net;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// Checks a VirtualService's tcp and tls rules as Istio does: a tls rule needs match blocks, each with SNI hosts that
/// are valid (wildcard) domains covered by one of the VirtualService's hosts; destination subnets are addresses or
/// CIDRs; ports, source labels and gateways are checked as in HTTP matches; every rule needs a destination.
/// </summary>
internal static class L4RouteValidator
{
    public static void ValidateTcp(DiagnosticBag bag, TcpRoute? rule, string path, string ns)
    {
        if (rule is null)
        {
            bag.Error(path, "a tcp route must not be null");
            return;
        }

        for (var i = 0; i < (rule.Match?.Count ?? 0); i++)
        {
            var match = rule.Match![i];
            var matchPath = $"{path}.match[{i}]";
            if (match is null)
            {
                bag.Error(matchPath, "a match block must not be null");
                continue;
            }

            CheckL4(bag, matchPath, match.DestinationSubnets, match.Port, match.SourceLabels, match.SourceNamespace, match.Gateways);
        }

        CheckDestinations(bag, rule.Route, path, ns);
    }

    public static void ValidateTls(DiagnosticBag bag, VirtualServiceSpec spec, int index, string ns)
    {
        var rule = spec.Tls![index];
        var path = $"spec.tls[{index}]";
        if (rule is null)
        {
            bag.Error(path, "a tls route must not be null");
            return;
        }

        if (rule.Match is not { Count: > 0 })
        {
            bag.Error(path + ".match", "a tls route must have at least one match block");
        }

        for (var i = 0; i < (rule.Match?.Count ?? 0); i++)
        {
            var match = rule.Match![i];
            var matchPath = $"{path}.match[{i}]";
            if (match is null)
            {
                bag.Error(matchPath, "a match block must not be null");
                continue;
            }

            if (match.SniHosts is not { Count: > 0 })
            {
                bag.Error(matchPath + ".sniHosts", "a tls match must name at least one SNI host");
            }

            for (var j = 0; j < (match.SniHosts?.Count ?? 0); j++)
            {
                CheckSniHost(bag, $"{matchPath}.sniHosts[{j}]", match.SniHosts![j], spec);
            }

            CheckL4(bag, matchPath, match.DestinationSubnets, match.Port, match.SourceLabels, match.SourceNamespace, match.Gateways);
        }

        CheckDestinations(bag, rule.Route, path, ns);
    }

    private static void CheckSniHost(DiagnosticBag bag, string path, string? sni, VirtualServiceSpec spec)
    {
        var hosts = spec.Hosts ?? [];
        if (string.IsNullOrEmpty(sni))
        {
            bag.Error(path, "an SNI host must not be empty");
            return;
        }

        if (IPAddress.TryParse(sni, out _))
        {
            bag.Warning(path, $"using an IP address ('{sni}') as an SNI host goes against the SNI specification (RFC 6066) and most clients do not send one");
            return;
        }

        if (DnsNames.CheckWildcardDomain(sni) is { } problem && !AutoSniDomain.IsAccepted(spec, sni))
        {
            bag.Error(path, problem);
            return;
        }

        if (!hosts.Any(h => h is not null && IsSubsetOf(sni, h)))
        {
            bag.Error(path, $"the SNI host '{sni}' is not covered by any of the VirtualService's hosts");
        }
    }

    // Istio's host.Name.SubsetOf: equal, or the host is a wildcard covering the SNI (a wildcard SNI included).
    private static bool IsSubsetOf(string sni, string host)
    {
        if (host == "*" || sni.Equals(host, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return host.StartsWith("*.", StringComparison.Ordinal) && sni != "*" &&
            sni.EndsWith(host[1..], StringComparison.OrdinalIgnoreCase) &&
            (!sni.StartsWith("*.", StringComparison.Ordinal) || sni.Length >= host.Length);
    }

    private static void CheckL4(DiagnosticBag bag, string path, List<string>? subnets, int? port, Dictionary<string, string>? sourceLabels, string? sourceNamespace, List<string>? gateways)
    {
        for (var i = 0; i < (subnets?.Count ?? 0); i++)
        {
            if (!IsAddressOrCidr(subnets![i]))
            {
                bag.Error($"{path}.destinationSubnets[{i}]", $"'{subnets[i]}' is neither an IP address nor a CIDR");
            }
        }

        ValidationContext.CheckRange(bag, new(path, ".port"), port, 1, 65535);
        LabelSyntax.Check(bag, path + ".sourceLabels", sourceLabels);
        if (!string.IsNullOrEmpty(sourceNamespace) && !DnsNames.IsLabel(sourceNamespace))
        {
            bag.Error(path + ".sourceNamespace", $"invalid namespace name '{sourceNamespace}'");
        }

        for (var i = 0; i < (gateways?.Count ?? 0); i++)
        {
            if (GatewayNames.Check(gateways![i]) is { } problem)
            {
                bag.Error($"{path}.gateways[{i}]", problem);
            }
        }
    }

    private static bool IsAddressOrCidr(string? value) =>
        value is not null && (IPAddress.TryParse(value, out _) || (value.Contains('/', StringComparison.Ordinal) && IPNetwork.TryParse(value, out _)));

    private static void CheckDestinations(DiagnosticBag bag, List<RouteDestination>? route, string path, string ns)
    {
        if (route is not { Count: > 0 })
        {
            bag.Error(path + ".route", "at least one route destination is required");
            return;
        }

        WeightedDestinationsValidator.Validate(bag, route, path, ns);
    }
}
