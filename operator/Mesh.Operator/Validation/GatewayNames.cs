namespace Mesh.Operator.Validation;

/// <summary>Istio's gateway reference syntax: <c>NAMESPACE/NAME</c> (both DNS labels), or a host name such as <c>mesh</c>.</summary>
internal static class GatewayNames
{
    public static string? Check(string? gateway)
    {
        if (string.IsNullOrEmpty(gateway))
        {
            return "a gateway name must not be empty";
        }

        var slash = gateway.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return gateway.Contains('*', StringComparison.Ordinal) || DnsNames.CheckWildcardDomain(gateway) is not null
                ? $"invalid gateway name '{gateway}': NAMESPACE/NAME or a host name"
                : null;
        }

        return DnsNames.IsLabel(gateway.AsSpan(0, slash)) && DnsNames.IsLabel(gateway.AsSpan(slash + 1))
            ? null
            : $"invalid gateway reference '{gateway}': NAMESPACE/NAME, both DNS labels";
    }

    /// <summary>Istio's warning for the legacy <c>NAME.NAMESPACE...</c> form of a gateway reference.</summary>
    public static string? LegacyHint(string gateway)
    {
        if (gateway.Contains('/', StringComparison.Ordinal) || !gateway.Contains('.', StringComparison.Ordinal))
        {
            return null;
        }

        var parts = gateway.Split('.');
        return $"legacy gateway reference '{gateway}': prefer NAMESPACE/NAME, here '{parts[1]}/{parts[0]}'";
    }
}
