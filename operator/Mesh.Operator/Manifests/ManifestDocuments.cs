namespace Mesh.Operator.Manifests;

/// <summary>
/// Cuts a manifest file into its YAML documents at their <c>---</c> lines, so that a file read again can re-read only
/// the documents that changed (<see cref="ManifestDocumentCache"/>). A <c>---</c> at the left margin always ends a
/// document in YAML 1.2, even inside a block or quoted scalar, so the cut needs no parser.
/// </summary>
internal static class ManifestDocuments
{
    /// <returns>
    /// Each document's text and the 1-based line it starts on; null when a line at the left margin is one the cut does
    /// not handle (a directive, a document end marker, content after <c>---</c>): such a file is read whole.
    /// </returns>
    public static List<(int Line, string Text)>? Split(string text)
    {
        var documents = new List<(int Line, string Text)>();
        var documentStart = 0;
        var documentLine = 1;
        var line = 1;
        for (var at = 0; at < text.Length; line++)
        {
            var end = text.IndexOf('\n', at);
            var next = end < 0 ? text.Length : end + 1;
            var content = text.AsSpan(at, next - at);
            if (content.StartsWith("---"))
            {
                if (!content[3..].IsWhiteSpace())
                {
                    return null;
                }

                documents.Add((documentLine, text[documentStart..at]));
                documentStart = next;
                documentLine = line + 1;
            }
            else if (content.StartsWith("...") || content.StartsWith("%"))
            {
                return null;
            }

            at = next;
        }

        documents.Add((documentLine, text[documentStart..]));
        return documents;
    }
}
