using System.Text.RegularExpressions;

namespace Mesh.Proxy.Routing;

/// <summary>An exact, prefix or regex condition; regexes are anchored and compiled once per config.</summary>
internal sealed class StringMatcher
{
    // RE2 semantics: linear time, no backtracking. NonBacktracking rejects what RE2 rejects (backreferences,
    // lookarounds), so a pattern the control plane accepted as RE2 compiles here too.
    private const RegexOptions RegexFlags = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    private readonly StringMatchKind _kind;
    private readonly string _value;
    private readonly Regex? _regex;
    private readonly StringComparison _comparison;

    private StringMatcher(StringMatchKind kind, string value, Regex? regex, bool ignoreCase)
    {
        _kind = kind;
        _value = value;
        _regex = regex;
        _comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
    }

    public StringMatchKind Kind => _kind;

    public string Value => _value;

    /// <summary>Null when the proto match is absent or has no kind set: the condition is then not checked.</summary>
    /// <exception cref="Config.InvalidProxyConfigException">The regex does not compile.</exception>
    public static StringMatcher? Create(Api.V1.StringMatch? match, string path, bool ignoreCase = false)
    {
        if (match is null)
        {
            return null;
        }

        switch (match.KindCase)
        {
            case Api.V1.StringMatch.KindOneofCase.Exact:
                return new StringMatcher(StringMatchKind.Exact, match.Exact, null, ignoreCase);
            case Api.V1.StringMatch.KindOneofCase.Prefix:
                return new StringMatcher(StringMatchKind.Prefix, match.Prefix, null, ignoreCase);
            case Api.V1.StringMatch.KindOneofCase.Regex:
                try
                {
                    var options = ignoreCase ? RegexFlags | RegexOptions.IgnoreCase : RegexFlags;
                    var regex = new Regex($"^(?:{match.Regex})$", options);
                    return new StringMatcher(StringMatchKind.Regex, match.Regex, regex, ignoreCase);
                }
                catch (ArgumentException ex)
                {
                    throw new Config.InvalidProxyConfigException(path + ".regex", $"invalid regex '{match.Regex}': {ex.Message}", ex);
                }

            default:
                return null;
        }
    }

    public bool Matches(ReadOnlySpan<char> value) => _kind switch
    {
        StringMatchKind.Exact => value.Equals(_value, _comparison),
        StringMatchKind.Prefix => value.StartsWith(_value, _comparison),
        _ => _regex!.IsMatch(value),
    };
}

internal enum StringMatchKind
{
    Exact,
    Prefix,
    Regex,
}
