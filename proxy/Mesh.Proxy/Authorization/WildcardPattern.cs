namespace Mesh.Proxy.Authorization;

/// <summary>
/// One value of an authorization field in Istio's syntax: <c>*</c> (any present value), <c>prefix*</c>,
/// <c>*suffix</c> or an exact value. Case-sensitive, as Envoy's string matchers are.
/// </summary>
internal readonly struct WildcardPattern
{
    private readonly WildcardKind _kind;
    private readonly string _value;

    private WildcardPattern(WildcardKind kind, string value)
    {
        _kind = kind;
        _value = value;
    }

    /// <summary>Istio's order: a lone <c>*</c> first, then a leading <c>*</c> (suffix), then a trailing one (prefix).</summary>
    public static WildcardPattern Parse(string pattern)
    {
        if (pattern == "*")
        {
            return new WildcardPattern(WildcardKind.Any, string.Empty);
        }

        if (pattern.StartsWith('*'))
        {
            return new WildcardPattern(WildcardKind.Suffix, pattern[1..]);
        }

        return pattern.EndsWith('*')
            ? new WildcardPattern(WildcardKind.Prefix, pattern[..^1])
            : new WildcardPattern(WildcardKind.Exact, pattern);
    }

    public bool Matches(string value) => _kind switch
    {
        WildcardKind.Any => value.Length > 0,
        WildcardKind.Prefix => value.StartsWith(_value, StringComparison.Ordinal),
        WildcardKind.Suffix => value.EndsWith(_value, StringComparison.Ordinal),
        _ => string.Equals(value, _value, StringComparison.Ordinal),
    };

    private enum WildcardKind
    {
        Exact,
        Prefix,
        Suffix,
        Any,
    }
}
