using System.Text;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// Istio's unreachable-rule analysis, reported as warnings: rules are tried in order and the first match wins, so a
/// rule after a rule without matches (a catch-all) never runs, a match block equal to an earlier one never matches,
/// and neither does one whose uri an earlier block's prefix covers when their other conditions are the same
/// (<c>prefix: /api</c> before <c>prefix: /api/v2</c>).
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
        var covers = new List<(string Others, StringMatchSpec? Uri, bool IgnoreCase, int Rule)>();
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

                var rest = Key(match);
                var key = Append(new StringBuilder(rest), "uri", match.Uri).ToString();
                if (seen.TryGetValue(key, out var earlier))
                {
                    duplicates++;
                    bag.Warning($"{path}.match[{k}]", $"this match is never used: rule {Name(rules[earlier], earlier)} has the same match before it");
                    continue;
                }

                seen[key] = i;
                var cover = covers.FindIndex(c => c.Others == rest && c.IgnoreCase == (match.IgnoreUriCase ?? false) && Covers(c.Uri, match.Uri));
                if (cover >= 0)
                {
                    duplicates++;
                    var (_, uri, _, earlierRule) = covers[cover];
                    var what = uri is null ? "every uri" : $"the uri prefix '{uri.Prefix}'";
                    bag.Warning($"{path}.match[{k}].uri", $"this match is never used: rule {Name(rules[earlierRule], earlierRule)} before it matches {what} with the same other conditions");
                }

                if (match.Uri is null or { Prefix: not null })
                {
                    covers.Add((rest, match.Uri, match.IgnoreUriCase ?? false, i));
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

    // An earlier uri condition that every uri of the later one satisfies (no condition is a duplicate, reported above).
    private static bool Covers(StringMatchSpec? earlier, StringMatchSpec? later) =>
        earlier is null
            ? later is not null
            : earlier.Prefix is { } prefix && later is { Regex: null } && (later.Prefix ?? later.Exact) is { } value && value.StartsWith(prefix, StringComparison.Ordinal);

    // Everything a match block compares on, except its name and uri.
    private static string Key(HttpMatchRequest match)
    {
        var key = new StringBuilder();
        Append(key, "authority", match.Authority);
        Append(key, "scheme", match.Scheme);
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

    private static StringBuilder Append(StringBuilder key, string field, StringMatchSpec? match) =>
        match is null
            ? key
            : key.Append('|').Append(field).Append("=e:").Append(match.Exact).Append(",p:").Append(match.Prefix).Append(",r:").Append(match.Regex);
}
