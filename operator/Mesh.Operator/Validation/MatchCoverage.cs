using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// Whether one HTTP match block takes every request another takes: each of its conditions is absent or present in the
/// other too (the same string match, or a uri prefix that the other's uri prefix or exact value starts with).
/// </summary>
internal static class MatchCoverage
{
    public static bool Covers(HttpMatchRequest earlier, HttpMatchRequest later) =>
        CoversUri(earlier, later) &&
        Within(earlier.Authority, later.Authority) &&
        Within(earlier.Scheme, later.Scheme) &&
        Within(earlier.Method, later.Method) &&
        Within(earlier.Headers, later.Headers) &&
        Within(earlier.WithoutHeaders, later.WithoutHeaders) &&
        Within(earlier.QueryParams, later.QueryParams) &&
        WithinLabels(earlier.SourceLabels, later.SourceLabels) &&
        (earlier.Port is null || earlier.Port == later.Port) &&
        (earlier.Gateways is not { Count: > 0 } || (later.Gateways is { } gateways && earlier.Gateways.All(gateways.Contains)));

    private static bool CoversUri(HttpMatchRequest earlier, HttpMatchRequest later)
    {
        if (earlier.Uri is not { } uri)
        {
            return true;
        }

        if (later.Uri is not { } other || (earlier.IgnoreUriCase ?? false) != (later.IgnoreUriCase ?? false))
        {
            return false;
        }

        return Same(uri, other) ||
            (uri.Prefix is { } prefix && other.Regex is null && (other.Prefix ?? other.Exact) is { } value && value.StartsWith(prefix, StringComparison.Ordinal));
    }

    private static bool Within(StringMatchSpec? earlier, StringMatchSpec? later) =>
        earlier is null || (later is not null && Same(earlier, later));

    private static bool Within(Dictionary<string, StringMatchSpec>? earlier, Dictionary<string, StringMatchSpec>? later)
    {
        foreach (var (name, match) in earlier ?? [])
        {
            if (later is null || !later.TryGetValue(name, out var other) || match is null || other is null || !Same(match, other))
            {
                return false;
            }
        }

        return true;
    }

    private static bool WithinLabels(Dictionary<string, string>? earlier, Dictionary<string, string>? later)
    {
        foreach (var (name, value) in earlier ?? [])
        {
            if (later is null || !later.TryGetValue(name, out var other) || !string.Equals(value, other, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Same(StringMatchSpec a, StringMatchSpec b) =>
        string.Equals(a.Exact, b.Exact, StringComparison.Ordinal) &&
        string.Equals(a.Prefix, b.Prefix, StringComparison.Ordinal) &&
        string.Equals(a.Regex, b.Regex, StringComparison.Ordinal);
}
