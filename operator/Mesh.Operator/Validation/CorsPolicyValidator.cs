using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// Checks <c>corsPolicy</c> as Istio does: each origin a non-empty string match, methods among the HTTP methods (or
/// <c>*</c>), header names tokens (or <c>*</c>), maxAge a duration in whole seconds.
/// </summary>
internal static class CorsPolicyValidator
{
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE", "*"];

    public static void Validate(DiagnosticBag bag, CorsPolicySpec cors, string path)
    {
        for (var k = 0; k < (cors.AllowOrigins?.Count ?? 0); k++)
        {
            var origin = cors.AllowOrigins![k];
            var originPath = $"{path}.allowOrigins[{k}]";
            if (string.IsNullOrEmpty(origin?.Exact ?? origin?.Prefix ?? origin?.Regex))
            {
                bag.Error(originPath, "an allowed origin must be a non-empty exact, prefix or regex match");
                continue;
            }

            HttpMatchValidator.CheckStringMatch(bag, origin, originPath, allowEmptyPrefix: false);
        }

        for (var k = 0; k < (cors.AllowMethods?.Count ?? 0); k++)
        {
            if (!Methods.Contains(cors.AllowMethods![k], StringComparer.Ordinal))
            {
                bag.Error($"{path}.allowMethods[{k}]", $"'{cors.AllowMethods[k]}' is not an HTTP method (GET, HEAD, POST, PUT, PATCH, DELETE, CONNECT, OPTIONS, TRACE or *)");
            }
        }

        CheckNames(bag, path + ".allowHeaders", cors.AllowHeaders);
        CheckNames(bag, path + ".exposeHeaders", cors.ExposeHeaders);
        ValidationContext.CheckDuration(bag, new(path, ".maxAge"), cors.MaxAge, wholeSeconds: true);
    }

    private static void CheckNames(DiagnosticBag bag, string path, List<string>? names)
    {
        for (var k = 0; k < (names?.Count ?? 0); k++)
        {
            if (HeaderSyntax.CheckCorsName(names![k]) is { } problem)
            {
                bag.Error($"{path}[{k}]", problem);
            }
        }
    }
}
