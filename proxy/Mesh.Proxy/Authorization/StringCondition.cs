namespace Mesh.Proxy.Authorization;

/// <summary>
/// A field of a source or operation with its <c>not_</c> twin: the value must match one of the values (when any
/// are listed) and none of the excluded ones. An absent value (a plaintext peer has no principal) matches no
/// pattern, so it fails a positive list and passes an exclusion, as in Envoy's RBAC filter.
/// </summary>
internal sealed class StringCondition
{
    private readonly WildcardPattern[] _values;
    private readonly WildcardPattern[] _notValues;

    private StringCondition(WildcardPattern[] values, WildcardPattern[] notValues)
    {
        _values = values;
        _notValues = notValues;
    }

    /// <summary>Null when neither list has values: the field is then not checked.</summary>
    public static StringCondition? Create(IReadOnlyList<string> values, IReadOnlyList<string> notValues) =>
        values.Count == 0 && notValues.Count == 0 ? null : new StringCondition(Parse(values), Parse(notValues));

    public bool Matches(string? value)
    {
        if (_values.Length > 0 && (value is null || !AnyMatches(_values, value)))
        {
            return false;
        }

        return value is null || !AnyMatches(_notValues, value);
    }

    private static bool AnyMatches(WildcardPattern[] patterns, string value)
    {
        for (var i = 0; i < patterns.Length; i++)
        {
            if (patterns[i].Matches(value))
            {
                return true;
            }
        }

        return false;
    }

    private static WildcardPattern[] Parse(IReadOnlyList<string> patterns)
    {
        var result = new WildcardPattern[patterns.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = WildcardPattern.Parse(patterns[i]);
        }

        return result;
    }
}
