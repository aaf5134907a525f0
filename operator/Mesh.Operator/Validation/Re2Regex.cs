using System.Text.RegularExpressions;

namespace Mesh.Operator.Validation;

/// <summary>
/// Checks that a pattern is valid RE2 syntax, as Istio and Envoy require. .NET's non-backtracking engine compiles the
/// pattern (it rejects most constructs RE2 lacks too); the constructs RE2 lacks are also rejected explicitly so the
/// message says why: lookarounds, backreferences, atomic groups, possessive quantifiers and conditionals. RE2's
/// limits are enforced as Istio does: a repetition count above 1,000, and patterns over 1,024 characters (Istio's
/// stand-in for Envoy's program-size limit).
/// </summary>
public static class Re2Regex
{
    public const int MaxLength = 1024;

    public const int MaxRepeat = 1000;

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Returns null when the pattern is valid RE2, otherwise why not.</summary>
    public static string? Check(string pattern)
    {
        if (pattern.Length > MaxLength)
        {
            return $"the regex is too long: {pattern.Length} characters, at most {MaxLength} are allowed";
        }

        if (FindUnsupported(pattern) is { } construct)
        {
            return construct.StartsWith("invalid", StringComparison.Ordinal) ? construct : $"RE2 does not support {construct}";
        }

        try
        {
            _ = new Regex(
                ToDotNetSyntax(pattern),
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
                // \p{Greek} and \P{Greek}: the braces are the class name, not a repetition.
                if (next is 'p' or 'P' && i + 2 < pattern.Length && pattern[i + 2] == '{')
                {
                    var close = pattern.IndexOf('}', i + 3);
                    i = close < 0 ? pattern.Length : close;
                    continue;
                }

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
                case '{' when RepeatCount(pattern.AsSpan(i + 1)) > MaxRepeat:
                    return $"invalid repeat count: RE2 allows at most {MaxRepeat} repetitions";
            }
        }

        return null;
    }

    // The largest number of a {n}, {n,} or {n,m} repetition starting after its '{'; 0 when it is not one (a literal '{').
    private static long RepeatCount(ReadOnlySpan<char> rest)
    {
        var close = rest.IndexOf('}');
        if (close <= 0)
        {
            return 0;
        }

        long largest = 0;
        foreach (var range in rest[..close].Split(','))
        {
            var part = rest[..close][range];
            if (part.Length == 0)
            {
                continue;
            }

            if (part.ContainsAnyExceptInRange('0', '9'))
            {
                return 0;
            }

            largest = Math.Max(largest, part.Length > 9 ? long.MaxValue : long.Parse(part, System.Globalization.CultureInfo.InvariantCulture));
        }

        return largest;
    }

    // RE2 spellings .NET lacks, rewritten for the syntax check only: named groups (?P<name>...), one-letter classes \pL,
    // and script classes such as \p{Greek} (.NET knows only general categories and blocks).
    private static string ToDotNetSyntax(string pattern)
    {
        var result = new System.Text.StringBuilder(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '(' && pattern.AsSpan(i).StartsWith("(?P<"))
            {
                result.Append("(?<");
                i += 3;
            }
            else if (c == '\\' && i + 2 < pattern.Length && pattern[i + 1] is 'p' or 'P')
            {
                var name = pattern[i + 2] == '{' && pattern.IndexOf('}', i + 3) is > 0 and var close
                    ? pattern[(i + 3)..close]
                    : pattern[(i + 2)..(i + 3)];
                var isCategory = name.Length is 1 or 2 && char.IsAsciiLetterUpper(name[0]);
                result.Append('\\').Append(pattern[i + 1]).Append('{').Append(isCategory ? name : "L").Append('}');
                i += pattern[i + 2] == '{' ? name.Length + 3 : 2;
            }
            else
            {
                result.Append(c);
                if (c == '\\' && i + 1 < pattern.Length)
                {
                    result.Append(pattern[++i]);
                }
            }
        }

        return result.ToString();
    }
}
