using System.Buffers;

namespace Mesh.Operator.Manifests;

/// <summary>
/// Cuts a manifest file into its YAML documents at their <c>---</c> lines, so that a file read again can re-read only
/// the documents that changed (<see cref="ManifestDocumentCache"/>). A <c>---</c> at the left margin always ends a
/// document in YAML 1.2, even inside a block or quoted scalar, so the cut needs no parser. YamlDotNet's reading of a
/// document can depend on the one before, though: a block scalar at the root runs on over <c>---</c> lines, and a
/// flow collection or quoted scalar at the end of a document changes how a <c>:</c> is read before the next
/// document's first plain scalar. So every document must begin with a plain scalar (a letter or digit, as
/// <c>apiVersion:</c> does); a file with one that does not is read whole.
/// </summary>
internal static class ManifestDocuments
{
    // The parser also ends lines at these (YAML 1.1's line breaks, and a CR on its own); the cut counts lines by LF.
    private static readonly SearchValues<char> OtherLineBreaks = SearchValues.Create("\r\u0085\u2028\u2029");

    /// <returns>
    /// Each document's text and the 1-based line it starts on; null when a line at the left margin is one the cut does
    /// not handle (a directive, a document end marker, content after <c>---</c>), a line holds a line break other than
    /// LF and CRLF, or a document does not begin with a letter or digit: such a file is read whole.
    /// </returns>
    public static List<(int Line, string Text)>? Split(string text)
    {
        var documents = new List<(int Line, string Text)>();
        var documentStart = 0;
        var documentLine = 1;
        var line = 1;
        var documentBegun = false;
        for (var at = text.StartsWith('\uFEFF') ? 1 : 0; at < text.Length; line++)
        {
            var end = text.IndexOf('\n', at);
            var next = end < 0 ? text.Length : end + 1;
            var content = text.AsSpan(at, (end < 0 ? text.Length : end) - at);
            if (content.EndsWith('\r'))
            {
                content = content[..^1];
            }

            if (content.ContainsAny(OtherLineBreaks))
            {
                return null;
            }

            if (content.StartsWith("---"))
            {
                // Only a space or a tab may follow the marker (other white space is content).
                if (content[3..].ContainsAnyExcept(' ', '\t'))
                {
                    return null;
                }

                documents.Add((documentLine, text[documentStart..at]));
                documentStart = next;
                documentLine = line + 1;
                documentBegun = false;
            }
            else if (content.StartsWith("...") || content.StartsWith("%"))
            {
                return null;
            }
            else if (!documentBegun && content.TrimStart(" \t") is [var first, ..] && first != '#')
            {
                if (!char.IsAsciiLetterOrDigit(first))
                {
                    return null;
                }

                documentBegun = true;
            }

            at = next;
        }

        documents.Add((documentLine, text[documentStart..]));
        return documents;
    }
}
