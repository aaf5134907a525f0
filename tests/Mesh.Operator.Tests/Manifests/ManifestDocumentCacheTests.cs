using k8s;
using k8s.Models;
using Mesh.Operator.Manifests;

namespace Mesh.Operator.Tests.Manifests;

/// <summary>Reading a file document by document, keeping what unchanged documents were read into.</summary>
public sealed class ManifestDocumentCacheTests
{
    private const string ThreeServices = """
        apiVersion: v1
        kind: Service
        metadata: {name: productpage}
        spec: {selector: {app: productpage}, ports: [{name: http, port: 9080}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: details}
        spec: {selector: {app: details}, ports: [{name: http, port: 9080}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: ratings}
        spec: {selector: {app: ratings}, ports: [{name: http, port: 9080}]}

        """;

    public static TheoryData<string, string> Texts()
    {
        var data = new TheoryData<string, string>();
        var examples = TestPaths.InRepository("examples");
        foreach (var file in Directory.EnumerateFiles(examples, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(examples, file), File.ReadAllText(file));
        }

        data.Add("starts-with-marker", "---\n" + ThreeServices);
        data.Add("crlf", ThreeServices.ReplaceLineEndings("\r\n"));
        data.Add("marker-with-comment", ThreeServices.Replace("---\n", "--- # next\n", StringComparison.Ordinal));
        data.Add("document-end", ThreeServices.Replace("---\n", "...\n---\n", StringComparison.Ordinal));
        data.Add("directive", "%YAML 1.2\n---\n" + ThreeServices);
        data.Add("syntax-error", ThreeServices.Replace("{name: details}", "{name: details", StringComparison.Ordinal));
        data.Add("duplicate-key", ThreeServices.Replace("metadata: {name: details}", "metadata: {name: details}\nmetadata: {name: x}", StringComparison.Ordinal));
        data.Add("wrong-type-and-unknown-field", ThreeServices
            .Replace("port: 9080}]}\n---", "port: nine}]}\n---", StringComparison.Ordinal)
            .Replace("{name: ratings}", "{name: ratings, colour: red}", StringComparison.Ordinal));
        data.Add("line-separator-is-a-line-break", ThreeServices.Replace("kind: Service\nmetadata: {name: details}", "kind: Service\n\u2028metadata: {name: details}", StringComparison.Ordinal));
        data.Add("cr-alone-is-a-line-break", "# a comment ended by a CR alone\r" + ThreeServices);
        data.Add("no-break-space-after-marker", ThreeServices.Replace("---\n", "---\u00A0\n", StringComparison.Ordinal));
        data.Add("colon-first-after-a-flow-collection", ThreeServices.Replace("---\napiVersion: v1\nkind: Service\nmetadata: {name: details}", "---\n:apiVersion: v1\nkind: Service\nmetadata: {name: details}", StringComparison.Ordinal));
        data.Add("block-scalar-at-the-root", ThreeServices.Replace("---\napiVersion: v1\nkind: Service\nmetadata: {name: details}", "---\n|\napiVersion: v1\nkind: Service\nmetadata: {name: details}", StringComparison.Ordinal));
        data.Add("bom", "\uFEFF" + ThreeServices);
        data.Add("not-a-mapping", ThreeServices.Replace("apiVersion: v1\nkind: Service\nmetadata: {name: details}", "- a\n- b\n#", StringComparison.Ordinal));
        return data;
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void A_file_read_document_by_document_reads_as_it_does_whole(string name, string text)
    {
        var whole = ManifestLoader.LoadText(name, text);

        var cache = new ManifestDocumentCache();
        AssertSame(whole, ManifestLoader.LoadText(name, text, cache));

        // Read again from what the first read kept: still the same.
        AssertSame(whole, ManifestLoader.LoadText(name, text, cache));
    }

    [Fact]
    public void A_rewritten_file_gives_the_same_objects_for_its_unchanged_documents_and_reads_the_changed_one()
    {
        var cache = new ManifestDocumentCache();
        var before = ManifestLoader.LoadText("s.yaml", ThreeServices, cache);

        var edited = ThreeServices.Replace("{app: details}, ports: [{name: http, port: 9080}]", "{app: details}, ports: [{name: http, port: 9090}]", StringComparison.Ordinal);
        var after = ManifestLoader.LoadText("s.yaml", edited, cache);

        Assert.Same(before.Resources[0].Object, after.Resources[0].Object);
        Assert.NotSame(before.Resources[1].Object, after.Resources[1].Object);
        Assert.Equal(9090, Assert.IsType<V1Service>(after.Resources[1].Object).Spec.Ports[0].Port);
        Assert.Same(before.Resources[2].Object, after.Resources[2].Object);
        AssertSame(ManifestLoader.LoadText("s.yaml", edited), after);
    }

    [Fact]
    public void Documents_that_moved_to_other_lines_are_read_again_with_their_new_lines()
    {
        var cache = new ManifestDocumentCache();
        var before = ManifestLoader.LoadText("s.yaml", ThreeServices, cache);

        var moved = "# a comment pushes every document down a line\n" + ThreeServices;
        var after = ManifestLoader.LoadText("s.yaml", moved, cache);

        Assert.All(after.Resources.Zip(before.Resources), pair => Assert.Equal(pair.Second.Origin.Line + 1, pair.First.Origin.Line));
        AssertSame(ManifestLoader.LoadText("s.yaml", moved), after);
    }

    [Fact]
    public void A_syntax_error_in_one_document_is_reported_as_when_the_file_is_read_whole_and_reading_recovers()
    {
        var cache = new ManifestDocumentCache();
        ManifestLoader.LoadText("s.yaml", ThreeServices, cache);

        var broken = ThreeServices.Replace("{name: ratings}", "{name: ratings", StringComparison.Ordinal);
        var read = ManifestLoader.LoadText("s.yaml", broken, cache);
        Assert.Contains(read.Problems, p => p.Message.StartsWith("invalid YAML", StringComparison.Ordinal));
        AssertSame(ManifestLoader.LoadText("s.yaml", broken), read);

        AssertSame(ManifestLoader.LoadText("s.yaml", ThreeServices), ManifestLoader.LoadText("s.yaml", ThreeServices, cache));
    }

    private static void AssertSame(ManifestSet expected, ManifestSet actual)
    {
        Assert.Equal(expected.Problems, actual.Problems);
        Assert.Equal(expected.Resources.Select(Describe), actual.Resources.Select(Describe));
    }

    private static string Describe(LoadedResource resource) =>
        $"{resource.Ref} {resource.Origin.File}:{resource.Origin.Line} " +
        string.Join(",", resource.Origin.FieldLines.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}")) +
        " " + KubernetesJson.Serialize(resource.Object);
}
