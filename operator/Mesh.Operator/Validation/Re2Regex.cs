using System.Text.RegularExpressions;

namespace Mesh.Operator.Validation;

/// <summary>
/// Checks that a pattern is valid RE2 syntax, as Istio and Envoy require. .NET's non-backtracking engine compiles the
/// pattern (it rejects most constructs RE2 lacks too); the constructs RE2 lacks are also rejected explicitly so the
/// message says why: lookarounds, backreferences, atomic groups, possessive quantifiers and conditionals.
/// </summary>
public static class Re2Regex
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Returns null when the pattern is valid RE2, otherwise why not.</summary>
    public static string? Check(string pattern)
    {
        if (FindUnsupported(pattern) is { } construct)
        {
            return $"RE2 does not support {construct}";
        }

        try
        {
            // RE2 spells named groups (?P<name>...); .NET only knows (?<name>...).
            _ = new Regex(
                pattern.Replace("(?P<", "(?<", StringComparison.Ordinal),
                RegexOptions.NonBacktracking | RegexOptions.CultureInvariant,
                MatchTimeout);
            return null;
        }
        catch (ArgumentException ex)
        {
            return $"invalid regular expression: {ex.Message}";
        }
        catch (NotSupportedException ex)
        {
            return $"RE2 does not support this construct: {ex.Message}";
        }
    }

    private static string? FindUnsupported(string pattern)
    {
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            var next = i + 1 < pattern.Length ? pattern[i + 1] : '\0';
            if (c == '\\')
            {
                if (!inClass && next is >= '1' and <= '9')
                {
                    return "backreferences";
                }

                if (!inClass && next is 'k')
                {
                    return "named backreferences";
                }

                if (!inClass && next is 'G' or 'Z')
                {
                    return $"\\{next}";
                }

                i++;
                continue;
            }

            if (inClass)
            {
                inClass = c != ']';
                continue;
            }

            switch (c)
            {
                case '[':
                    inClass = true;
                    if (next == ']')
                    {
                        i++;
                    }

                    break;
                case '(' when next == '?':
                    var rest = pattern.AsSpan(i + 2);
                    if (rest.StartsWith("=") || rest.StartsWith("!") || rest.StartsWith("<=") || rest.StartsWith("<!"))
                    {
                        return "lookaround assertions";
                    }

                    if (rest.StartsWith(">"))
                    {
                        return "atomic groups";
                    }

                    if (rest.StartsWith("("))
                    {
                        return "conditionals";
                    }

                    break;
                case '*' or '+' or '?' or '}' when next == '+':
                    return "possessive quantifiers";
            }
        }

        return null;
    }
}
