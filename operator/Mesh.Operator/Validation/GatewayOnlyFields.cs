using System.Text.RegularExpressions;

namespace Mesh.Operator.Validation;

/// <summary>
/// Istio fields the model does not read because they apply only at gateways, which this mesh does not have. Reading
/// a manifest reports them as gateway-only (naming the field) rather than as unknown. The gateway-only fields the
/// model does read (<c>spec.gateways</c>, <c>match.gateways</c>, JWT claim headers) are checked by the validators.
/// </summary>
public static partial class GatewayOnlyFields
{
    /// <summary>The warning for a dropped field at <paramref name="path"/> of a <paramref name="kind"/>, or null when it is not gateway-only.</summary>
    public static string? Describe(string kind, string path) =>
        kind == "DestinationRule" && CredentialName().IsMatch(path)
            ? "gateway-only: credentialName applies at gateways (and at sidecars only through a workloadSelector, which the mesh does not read); ignored"
            : null;

    [GeneratedRegex(@"^spec\.(subsets\[[0-9]+\]\.)?trafficPolicy\.(portLevelSettings\[[0-9]+\]\.)?tls\.credentialName$")]
    private static partial Regex CredentialName();
}
