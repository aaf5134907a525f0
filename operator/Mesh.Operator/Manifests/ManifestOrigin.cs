namespace Mesh.Operator.Manifests;

/// <summary>Where a resource was read from: the file, its document's line, and the line of each field.</summary>
public sealed record ManifestOrigin(string File, int Line, IReadOnlyDictionary<string, int> FieldLines)
{
    /// <summary>The line of the field at <paramref name="path"/>, or of its nearest ancestor, or of the document.</summary>
    public int LineOf(string path)
    {
        var current = path;
        while (current.Length > 0)
        {
            if (FieldLines.TryGetValue(current, out var line) && line > 0)
            {
                return line;
            }

            var cut = Math.Max(current.LastIndexOf('.'), current.LastIndexOf('['));
            current = cut <= 0 ? "" : current[..cut];
        }

        return Line;
    }
}
