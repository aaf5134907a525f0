using Mesh.Operator.Manifests;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// Checks one match block as Istio does: header names, string matches (an empty prefix only for <c>uri</c>, never an
/// empty regex; RE2 syntax), <c>sourceLabels</c> label syntax, the port, and gateway-only conditions.
/// </summary>
internal static class HttpMatchValidator
{
    private const string JwtClaimPrefix = "@request.auth.claims";

    private static readonly Dictionary<string, StringMatchSpec> Empty = [];

    public static void Validate(DiagnosticBag bag, HttpMatchRequest? match, string path)
    {
        if (match is null)
        {
            bag.Error(path, "a match block must not be null");
            return;
        }

        CheckStringMatch(bag, match.Uri, new(path, ".uri"), allowEmptyPrefix: true);
        CheckStringMatch(bag, match.Authority, new(path, ".authority"), allowEmptyPrefix: false);
        CheckStringMatch(bag, match.Method, new(path, ".method"), allowEmptyPrefix: false);
        CheckStringMatch(bag, match.Scheme, new(path, ".scheme"), allowEmptyPrefix: false);
        // No `?? []`: that would allocate an empty map for each match block of each compile.
        foreach (var (key, value) in match.Headers ?? Empty)
        {
            var keyPath = FieldPath.Property(path + ".headers", key);
            CheckHeaderName(bag, keyPath, key);
            if (value is null)
            {
                bag.Error(keyPath, "a header match must not be null (use {} to match presence)");
            }

            CheckStringMatch(bag, value, keyPath, allowEmptyPrefix: false);
        }

        foreach (var (key, value) in match.WithoutHeaders ?? Empty)
        {
            var keyPath = FieldPath.Property(path + ".withoutHeaders", key);
            CheckHeaderName(bag, keyPath, key);

            // regex "*" is Istio's spelling of "present", not a regular expression.
            if (value?.Regex != "*")
            {
                CheckStringMatch(bag, value, keyPath, allowEmptyPrefix: false);
            }
        }

        foreach (var (key, value) in match.QueryParams ?? Empty)
        {
            var keyPath = FieldPath.Property(path + ".queryParams", key);
            if (key.Length == 0)
            {
                bag.Error(keyPath, "a query parameter name must not be empty");
            }

            if (value is null)
            {
                bag.Error(keyPath, "a query parameter match must not be null");
            }

            CheckStringMatch(bag, value, keyPath, allowEmptyPrefix: false);
        }

        LabelSyntax.Check(bag, path + ".sourceLabels", match.SourceLabels);
        // Port 0 means "any port", as in Istio.
        ValidationContext.CheckRange(bag, new(path, ".port"), match.Port is 0 ? null : match.Port, 1, 65535);
        CheckGateways(bag, match, path + ".gateways");
    }

    /// <summary>Checks a string match: at most one of exact, prefix and regex; no empty prefix or regex; RE2.</summary>
    public static void CheckStringMatch(DiagnosticBag bag, StringMatchSpec? match, DeferredPath path, bool allowEmptyPrefix)
    {
        if (match is null)
        {
            return;
        }

        var count = (match.Exact is null ? 0 : 1) + (match.Prefix is null ? 0 : 1) + (match.Regex is null ? 0 : 1);
        if (count > 1)
        {
            bag.Error(path.ToString(), "exactly one of exact, prefix or regex is allowed");
        }

        if (match.Prefix is "" && !allowEmptyPrefix)
        {
            bag.Error(path.ToString() + ".prefix", "a prefix match must not be empty");
        }

        if (match.Regex is { } regex)
        {
            if (regex.Length == 0)
            {
                bag.Error(path.ToString() + ".regex", "a regex match must not be empty");
            }
            else if (Re2Regex.Check(regex) is { } problem)
            {
                bag.Error(path.ToString() + ".regex", problem);
            }
        }
    }

    private static void CheckHeaderName(DiagnosticBag bag, string path, string name)
    {
        if (name.StartsWith(JwtClaimPrefix, StringComparison.Ordinal))
        {
            bag.Error(path, "gateway-only: routing on JWT claims is supported only at gateways");
        }
        else if (HeaderSyntax.CheckMatchName(name) is { } problem)
        {
            bag.Error(path, problem);
        }
    }

    private static void CheckGateways(DiagnosticBag bag, HttpMatchRequest match, string path)
    {
        for (var i = 0; i < (match.Gateways?.Count ?? 0); i++)
        {
            if (GatewayNames.Check(match.Gateways![i]) is { } problem)
            {
                bag.Error($"{path}[{i}]", problem);
            }
        }

        if (match.Gateways is not { Count: > 0 } gateways || gateways.Contains(VirtualServiceSpec.MeshGateway))
        {
            return;
        }

        bag.Warning(path, $"gateway-only: this match block applies only to gateway(s) {string.Join(", ", gateways)}, which the mesh does not have; sidecars skip it");
    }
}
