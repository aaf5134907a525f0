namespace Mesh.Operator.Tests.Manifests;

/// <summary>
/// Real manifest documents to build edited files from: every document of the examples directory, and the API
/// server's own JSON of a Service and an EndpointSlice (flow style over many lines).
/// </summary>
internal static class ManifestCorpus
{
    private static readonly Lazy<IReadOnlyList<string>> All = new(Load);

    /// <summary>Each document's text with LF line ends, ending in a line end, without its <c>---</c> line.</summary>
    public static IReadOnlyList<string> Documents => All.Value;

    /// <summary>The examples' files, each as it is on disk.</summary>
    public static IEnumerable<(string Name, string Text)> Files()
    {
        var examples = TestPaths.InRepository("examples");
        foreach (var file in Directory.EnumerateFiles(examples, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            yield return (Path.GetRelativePath(examples, file), File.ReadAllText(file));
        }

        foreach (var file in new[] { "core.v1.Service.json", "discovery.k8s.io.v1.EndpointSlice.json" })
        {
            yield return (file, File.ReadAllText(TestPaths.TestData(file)));
        }
    }

    /// <summary>The documents of one example (a folder of examples/).</summary>
    public static List<string> Example(string name) =>
        [.. Directory.EnumerateFiles(TestPaths.InRepository("examples", name), "*.yaml").Order(StringComparer.Ordinal).SelectMany(file => Cut(File.ReadAllText(file)))];

    private static List<string> Load() => [.. Files().SelectMany(file => Cut(file.Text))];

    private static List<string> Cut(string text)
    {
        var documents = new List<string>();
        var current = new List<string>();
        foreach (var line in text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'))
        {
            if (line == "---")
            {
                Add(documents, current);
            }
            else
            {
                current.Add(line);
            }
        }

        Add(documents, current);
        return documents;
    }

    private static void Add(List<string> documents, List<string> lines)
    {
        if (lines.Count > 0)
        {
            documents.Add(string.Join('\n', lines) + "\n");
            lines.Clear();
        }
    }
}
