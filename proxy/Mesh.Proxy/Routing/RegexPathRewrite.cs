using System.Text;
using System.Text.RegularExpressions;

namespace Mesh.Proxy.Routing;

/// <summary>
/// Istio's uriRegexRewrite (Envoy's regex_rewrite): every match of an RE2 pattern in the path is replaced, and the
/// replacement names groups as <c>\1</c>. Compiled once per config, with the same engine as route regexes.
/// </summary>
internal sealed class RegexPathRewrite
{
    private readonly Regex _regex;
    private readonly string _replacement;

    private RegexPathRewrite(Regex regex, string replacement)
    {
        _regex = regex;
        _replacement = replacement;
    }

    public static RegexPathRewrite? Create(Api.V1.RegexRewrite? proto, string path)
    {
        if (proto is null)
        {
            return null;
        }

        try
        {
            var regex = new Regex(proto.Match, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            return new RegexPathRewrite(regex, ToDotNetReplacement(proto.Rewrite));
        }
        catch (ArgumentException ex)
        {
            throw new Config.InvalidProxyConfigException(path + ".match", $"invalid regex '{proto.Match}': {ex.Message}", ex);
        }
    }

    public string Rewrite(string path)
    {
        var rewritten = _regex.Replace(path, _replacement);
        return rewritten.Length == 0 ? "/" : rewritten;
    }

    // RE2's \N (and \\ for a backslash) in .NET's replacement syntax, where $ is the escape character.
    private static string ToDotNetReplacement(string rewrite)
    {
        var result = new StringBuilder(rewrite.Length + 8);
        for (var i = 0; i < rewrite.Length; i++)
        {
            var c = rewrite[i];
            if (c == '\\' && i + 1 < rewrite.Length && char.IsAsciiDigit(rewrite[i + 1]))
            {
                result.Append("${").Append(rewrite[++i]).Append('}');
            }
            else if (c == '\\' && i + 1 < rewrite.Length && rewrite[i + 1] == '\\')
            {
                result.Append('\\');
                i++;
            }
            else
            {
                result.Append(c == '$' ? "$$" : c.ToString());
            }
        }

        return result.ToString();
    }
}
