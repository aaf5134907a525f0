using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// Checks <c>rewrite</c> as Istio does: something to rewrite, not both <c>uri</c> and <c>uriRegexRewrite</c>, and a
/// regex rewrite with a valid RE2 pattern and a replacement.
/// </summary>
internal static class RewriteValidator
{
    public static void Validate(DiagnosticBag bag, HttpRewrite rewrite, string path)
    {
        if (string.IsNullOrEmpty(rewrite.Uri) && string.IsNullOrEmpty(rewrite.Authority) && rewrite.UriRegexRewrite is null)
        {
            bag.Error(path, "a rewrite must set uri, uriRegexRewrite or authority");
        }

        if (rewrite.UriRegexRewrite is not { } regex)
        {
            return;
        }

        if (!string.IsNullOrEmpty(rewrite.Uri))
        {
            bag.Error(path + ".uriRegexRewrite", "uri and uriRegexRewrite cannot both be set");
        }

        if (string.IsNullOrEmpty(regex.Match))
        {
            bag.Error(path + ".uriRegexRewrite.match", "match is required");
        }
        else if (Re2Regex.Check(regex.Match) is { } problem)
        {
            bag.Error(path + ".uriRegexRewrite.match", problem);
        }

        if (regex.Rewrite is null)
        {
            bag.Error(path + ".uriRegexRewrite.rewrite", "rewrite is required");
        }
    }
}
