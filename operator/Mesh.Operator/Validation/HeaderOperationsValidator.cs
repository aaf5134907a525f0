using Mesh.Operator.Manifests;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>Checks <c>headers{request,response}{set,add,remove}</c> of a rule or a route destination.</summary>
internal static class HeaderOperationsValidator
{
    public static void Validate(DiagnosticBag bag, HeaderOperationsSpec? headers, string path)
    {
        if (headers is null)
        {
            return;
        }

        Check(bag, headers.Request, path + ".request", isRequest: true);
        Check(bag, headers.Response, path + ".response", isRequest: false);
    }

    /// <summary>Istio's rule: a request's authority is rewritten in one place only (rewrite.authority or one header).</summary>
    public static void CheckAuthorityOnce(DiagnosticBag bag, string? rewriteAuthority, HeaderOperationsSpec? headers, string path)
    {
        if (headers?.Request is not { } request)
        {
            return;
        }

        var current = string.IsNullOrEmpty(rewriteAuthority) ? null : path + ".rewrite.authority";
        CheckAuthorityIn(bag, request.Set, path + ".headers.request.set", ref current);
        CheckAuthorityIn(bag, request.Add, path + ".headers.request.add", ref current);
    }

    private static void CheckAuthorityIn(DiagnosticBag bag, Dictionary<string, string>? map, string path, ref string? current)
    {
        if (map is null)
        {
            return;
        }

        foreach (var name in map.Keys)
        {
            if (!HeaderSyntax.IsAuthority(name))
            {
                continue;
            }

            var namePath = FieldPath.Property(path, name);
            if (current is not null)
            {
                bag.Error(namePath, $"the authority is already set by {current}; it can be set only once");
            }

            current ??= namePath;
        }
    }

    private static void Check(DiagnosticBag bag, HeaderMutationSpec? mutation, string path, bool isRequest)
    {
        if (mutation is null)
        {
            return;
        }

        foreach (var (field, map) in new[] { ("set", mutation.Set), ("add", mutation.Add) })
        {
            foreach (var (name, value) in map ?? [])
            {
                var namePath = FieldPath.Property($"{path}.{field}", name);
                var problem = isRequest ? HeaderSyntax.CheckRequestWriteName(name) : HeaderSyntax.CheckOperationName(name);
                if (problem is not null)
                {
                    bag.Error(namePath, problem);
                }

                if (value is null)
                {
                    bag.Error(namePath, "a header value must not be null (use \"\" for an empty value)");
                }
                else if (HeaderSyntax.CheckValue(value) is { } valueProblem)
                {
                    bag.Error(namePath, valueProblem);
                }
                else if (value.Contains('%', StringComparison.Ordinal))
                {
                    // Valid for Istio, but the sidecar has no Envoy formatter: say so rather than send it half right.
                    bag.Warning(namePath, "the sidecar does not substitute Envoy %VARIABLE% or %% yet; the value is sent as written");
                }
            }
        }

        for (var i = 0; i < (mutation.Remove?.Count ?? 0); i++)
        {
            if (mutation.Remove![i] is not { } name)
            {
                bag.Error($"{path}.remove[{i}]", "a header name must not be null");
            }
            else if (HeaderSyntax.CheckOperationName(name) is { } problem)
            {
                bag.Error($"{path}.remove[{i}]", problem);
            }
        }
    }
}
