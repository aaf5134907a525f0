using System.Text;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// Istio's unreachable-rule analysis, reported as warnings: rules are tried in order and the first match wins, so a
/// rule after a rule without matches (a catch-all) never runs, a match block equal to an earlier one never matches,
/// and neither does one that an earlier block covers: every condition of the earlier block is absent or also in the
/// later one, with an earlier uri prefix covering the later uri (<c>prefix: /api</c> before <c>prefix: /api/v2</c>,
/// or before <c>prefix: /api/v2</c> with <c>method: GET</c>). Match blocks of one rule count as well as of rules before.
/// </summary>
internal static class UnreachableRules
{
    public static void Analyze(DiagnosticBag bag, List<HttpRoute>? rules)
    {
        if (rules is not { Count: > 0 } || (rules.Count == 1 && rules[0]?.Match is not { Count: > 1 }))
        {
            return;
        }

        var catchAll = -1;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var earlierMatches = new List<(HttpMatchRequest Match, int Rule)>();
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

                var key = Append(Key(match), "uri", match.Uri).ToString();
                if (seen.TryGetValue(key, out var earlier))
                {
                    duplicates++;
                    bag.Warning($"{path}.match[{k}]", $"this match is never used: rule {Name(rules[earlier], earlier)} has the same match before it");
                    continue;
                }

                seen[key] = i;
                var cover = earlierMatches.FindIndex(e => MatchCoverage.Covers(e.Match, match));
                if (cover >= 0)
                {
                    duplicates++;
                    var earlierRule = earlierMatches[cover].Rule;
                    bag.Warning($"{path}.match[{k}]", $"this match is never used: rule {Name(rules[earlierRule], earlierRule)} before it has a match that takes every request this one does");
                }

                earlierMatches.Add((match, i));
            }

            if (duplicates == matches.Count)
            {
                bag.Warning(path, "this rule is never used: all its matches are used by rules before it");
            }
        }
    }

    private static string Name(HttpRoute? rule, int index) =>
        rule?.Name is { Length: > 0 } name ? $"'{name}'" : $"#{index}";

    // Everything a match block compares on, except its name and uri.
    private static StringBuilder Key(HttpMatchRequest match)
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

        return key;
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
