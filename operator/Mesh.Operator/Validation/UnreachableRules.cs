using System.Text;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// Istio's unreachable-rule analysis, reported as warnings: rules are tried in order and the first match wins, so a
/// rule after a rule without matches (a catch-all) never runs, and a match block equal to an earlier one never
/// matches.
/// </summary>
internal static class UnreachableRules
{
    public static void Analyze(DiagnosticBag bag, List<HttpRoute>? rules)
    {
        if (rules is not { Count: > 1 })
        {
            return;
        }

        var catchAll = -1;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            if (rules[i] is not { } rule)
            {
                continue;
            }

            var path = $"spec.http[{i}]";
            if (catchAll >= 0)
            {
                bag.Warning(path, $"this rule is never used: rule {Name(rules[catchAll], catchAll)} before it has no matches and takes every request");
                continue;
            }

            if (rule.Match is not { Count: > 0 } matches)
            {
                catchAll = i;
                continue;
            }

            var duplicates = 0;
            for (var k = 0; k < matches.Count; k++)
            {
                if (matches[k] is not { } match)
                {
                    continue;
                }

                var key = Key(match);
                if (seen.TryGetValue(key, out var earlier))
                {
                    duplicates++;
                    bag.Warning($"{path}.match[{k}]", $"this match is never used: rule {Name(rules[earlier], earlier)} has the same match before it");
                }
                else
                {
                    seen[key] = i;
                }
            }

            if (duplicates == matches.Count)
            {
                bag.Warning(path, "this rule is never used: all its matches are used by rules before it");
            }
        }
    }

    private static string Name(HttpRoute? rule, int index) =>
        rule?.Name is { Length: > 0 } name ? $"'{name}'" : $"#{index}";

    // Everything a match block compares on, except its name.
    private static string Key(HttpMatchRequest match)
    {
        var key = new StringBuilder();
        Append(key, "uri", match.Uri);
        Append(key, "authority", match.Authority);
        Append(key, "method", match.Method);
        AppendMap(key, "headers", match.Headers);
        AppendMap(key, "withoutHeaders", match.WithoutHeaders);
        AppendMap(key, "queryParams", match.QueryParams);
        foreach (var (name, value) in (match.SourceLabels ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            key.Append("|l:").Append(name).Append('=').Append(value);
        }

        key.Append("|port:").Append(match.Port).Append("|case:").Append(match.IgnoreUriCase);
        foreach (var gateway in (match.Gateways ?? []).Order(StringComparer.Ordinal))
        {
            key.Append("|g:").Append(gateway);
        }

        return key.ToString();
    }

    private static void AppendMap(StringBuilder key, string field, Dictionary<string, StringMatchSpec>? map)
    {
        foreach (var (name, value) in (map ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Append(key, field + ":" + name, value);
        }
    }

    private static void Append(StringBuilder key, string field, StringMatchSpec? match)
    {
        if (match is null)
        {
            return;
        }

        key.Append('|').Append(field).Append("=e:").Append(match.Exact).Append(",p:").Append(match.Prefix).Append(",r:").Append(match.Regex);
    }
}
