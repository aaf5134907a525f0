using System.Buffers;

namespace Mesh.Operator.Validation;

/// <summary>
/// Istio's rules for header names and values. A matched header name is an RFC 7230 token or one of the HTTP/2
/// pseudo-headers; a header that is set, added or removed may not be a pseudo-header or <c>host</c>, except that a
/// request's <c>:authority</c>/<c>host</c> may be set or added (once per rule, counting <c>rewrite.authority</c>);
/// a value may use Envoy's <c>%VARIABLE%</c> syntax, with <c>%%</c> for a literal percent sign.
/// </summary>
internal static class HeaderSyntax
{
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

    private static readonly string[] PseudoHeaders = [":method", ":scheme", ":authority", ":path", ":status"];

    /// <summary>Null when <paramref name="name"/> may be matched on; otherwise why not.</summary>
    public static string? CheckMatchName(string name)
    {
        if (name.Length == 0)
        {
            return "header name cannot be empty";
        }

        return PseudoHeaders.Contains(name, StringComparer.Ordinal) || IsToken(name)
            ? null
            : $"'{name}' is not a valid header name";
    }

    /// <summary>A header name in a CORS policy: a token, or <c>*</c>.</summary>
    public static string? CheckCorsName(string? name) => name switch
    {
        null or "" => "header name cannot be empty",
        "*" => null,
        _ => IsToken(name) ? null : $"'{name}' is not a valid header name",
    };

    /// <summary>A header a rule sets or adds to a request: <c>:authority</c> and <c>host</c> are allowed here.</summary>
    public static string? CheckRequestWriteName(string name)
    {
        if (name.Length == 0)
        {
            return "header name cannot be empty";
        }

        return IsInternal(name) && !IsAuthority(name) ? $"invalid header '{name}': header cannot have ':' prefix" : null;
    }

    /// <summary>A header removed from a request, or set, added or removed on a response.</summary>
    public static string? CheckOperationName(string name)
    {
        if (name.Length == 0)
        {
            return "header name cannot be empty";
        }

        if (name.Equals("host", StringComparison.OrdinalIgnoreCase))
        {
            return $"invalid header '{name}': cannot set Host header";
        }

        return IsInternal(name) ? $"invalid header '{name}': header cannot have ':' prefix" : null;
    }

    public static bool IsAuthority(string name) =>
        name.Equals(":authority", StringComparison.OrdinalIgnoreCase) || name.Equals("host", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when Envoy accepts <paramref name="value"/> as a header value format; otherwise why not.</summary>
    public static string? CheckValue(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        foreach (var c in value)
        {
            if (c is < '\t' or (> '\t' and < ' ') or '\u007f')
            {
                return "a header value cannot contain control characters";
            }
        }

        return EnvoyFormat.Check(value);
    }

    private static bool IsToken(string name) => !name.AsSpan().ContainsAnyExcept(TokenChars);

    private static bool IsInternal(string name) => name.StartsWith(':') || name.Equals("host", StringComparison.OrdinalIgnoreCase);
}
