using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// Istio's auto-generated SNI names (<c>outbound_.PORT_._.HOST</c>, what AUTO_PASSTHROUGH gateways route on), which
/// Istio accepts as hosts and SNI hosts of a VirtualService bound to a gateway that has tls routes, though they are
/// not DNS names.
/// </summary>
internal static class AutoSniDomain
{
    private const string Prefix = "outbound_";

    /// <summary>Whether Istio lets <paramref name="domain"/> through as a host or SNI host of <paramref name="spec"/>.</summary>
    public static bool IsAccepted(VirtualServiceSpec spec, string domain) =>
        spec.Gateways?.Exists(g => g != VirtualServiceSpec.MeshGateway) == true
        && spec.Tls?.Exists(t => t?.Match?.Exists(m => m?.SniHosts is { Count: > 0 }) == true) == true
        && Matches(domain);

    private static bool Matches(string domain)
    {
        if (domain.Length > 255 || !domain.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = domain.Split('_');
        return parts.Length >= 4
            && parts[0] == "outbound"
            && parts[1].Trim('.').Any(char.IsAsciiDigit)
            && parts[3].Trim('.').Any(char.IsAsciiLetter);
    }
}
