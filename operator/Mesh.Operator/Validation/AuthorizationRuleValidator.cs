using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// Checks a MeshPolicy's authorization rules the way Istio validates an AuthorizationPolicy: a <c>from</c> or
/// <c>to</c> list that is present must not be empty, each entry must set a field, no value may be empty, ports are
/// 1-65535. An empty entry is an error rather than "match everything" because it almost always means a field name
/// was misspelt, and in an ALLOW policy guessing would open the workload.
/// </summary>
internal static class AuthorizationRuleValidator
{
    public static void Validate(DiagnosticBag bag, MeshPolicySpec spec)
    {
        if (spec.Action == "DENY" && spec.Rules is null)
        {
            bag.Warning("spec.rules", "a DENY policy without rules never matches; add an empty rule {} to deny every request");
        }

        for (var r = 0; r < (spec.Rules?.Count ?? 0); r++)
        {
            var rule = spec.Rules![r];
            var path = $"spec.rules[{r}]";
            if (rule is null)
            {
                bag.Error(path, "a rule must not be null (use {} to match every request)");
                continue;
            }

            if (rule.From is { Count: 0 })
            {
                bag.Error(path + ".from", "from must not be empty when present");
            }

            for (var f = 0; f < (rule.From?.Count ?? 0); f++)
            {
                if (rule.From![f] is { } source)
                {
                    ValidateSource(bag, $"{path}.from[{f}]", source);
                }
                else
                {
                    bag.Error($"{path}.from[{f}]", "a source must not be null");
                }
            }

            if (rule.To is { Count: 0 })
            {
                bag.Error(path + ".to", "to must not be empty when present");
            }

            for (var t = 0; t < (rule.To?.Count ?? 0); t++)
            {
                if (rule.To![t] is { } operation)
                {
                    ValidateOperation(bag, $"{path}.to[{t}]", operation);
                }
                else
                {
                    bag.Error($"{path}.to[{t}]", "an operation must not be null");
                }
            }
        }
    }

    private static void ValidateSource(DiagnosticBag bag, string path, AuthorizationSourceSpec source)
    {
        if (Count(source.Principals) + Count(source.NotPrincipals) + Count(source.Namespaces) + Count(source.NotNamespaces) == 0)
        {
            bag.Error(path, "a source must set at least one of principals, notPrincipals, namespaces, notNamespaces");
        }

        CheckValues(bag, path + ".principals", source.Principals);
        CheckValues(bag, path + ".notPrincipals", source.NotPrincipals);
        CheckValues(bag, path + ".namespaces", source.Namespaces);
        CheckValues(bag, path + ".notNamespaces", source.NotNamespaces);
    }

    private static void ValidateOperation(DiagnosticBag bag, string path, AuthorizationOperationSpec operation)
    {
        if (Count(operation.Paths) + Count(operation.NotPaths) + Count(operation.Methods) + Count(operation.NotMethods) + Count(operation.Ports) == 0)
        {
            bag.Error(path, "an operation must set at least one of paths, notPaths, methods, notMethods, ports");
        }

        CheckValues(bag, path + ".paths", operation.Paths);
        CheckValues(bag, path + ".notPaths", operation.NotPaths);
        CheckValues(bag, path + ".methods", operation.Methods);
        CheckValues(bag, path + ".notMethods", operation.NotMethods);
        var ports = operation.Ports ?? [];
        for (var p = 0; p < ports.Count; p++)
        {
            ValidationContext.CheckRange(bag, $"{path}.ports[{p}]", ports[p], 1, 65535);
        }
    }

    private static void CheckValues(DiagnosticBag bag, string path, List<string>? values)
    {
        for (var i = 0; i < (values?.Count ?? 0); i++)
        {
            if (string.IsNullOrEmpty(values![i]))
            {
                bag.Error($"{path}[{i}]", "must not be empty");
            }
        }
    }

    private static int Count<T>(List<T>? values) => values?.Count ?? 0;
}
