namespace Mesh.Operator.Manifests;

/// <summary>
/// What each document of one file was read into last time, by its text and the line it starts on (the resources'
/// origins and problems carry lines). A document read again unchanged gives the same resource objects, so editing one
/// document of a file of thousands costs one document, and the compiler sees the others as unchanged. Not thread-safe:
/// one reader at a time, as the directory source's scans are.
/// </summary>
public sealed class ManifestDocumentCache
{
    private Dictionary<(int Line, string Text), ReadDocument> _documents = [];

    internal bool TryGet(int line, string text, out ReadDocument document) =>
        _documents.TryGetValue((line, text), out document!);

    /// <summary>Keeps exactly <paramref name="documents"/>: those of the file's newest version.</summary>
    internal void Replace(Dictionary<(int Line, string Text), ReadDocument> documents) => _documents = documents;

    internal void Clear() => _documents = [];

    internal sealed record ReadDocument(LoadedResource[] Resources, ManifestProblem[] Problems);
}
