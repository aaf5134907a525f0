using System.Text.Json.Nodes;
using Mesh.Operator.Manifests;
using YamlDotNet.Core;

namespace Mesh.Operator.Tests.Manifests;

public sealed class YamlJsonReaderTests
{
    [Fact]
    public void Plain_scalars_are_typed_by_the_core_schema_and_quoted_ones_stay_strings()
    {
        var document = Assert.Single(YamlJsonReader.Read("""
            int: 42
            negative: -7
            float: 1.5
            yes: true
            no: False
            nothing: ~
            quoted: "42"
            single: 'true'
            word: hello
            tagged: !!str 12
            version: v1
            """));
        var root = Assert.IsType<JsonObject>(document.Root);

        Assert.Equal(42L, root["int"]!.GetValue<long>());
        Assert.Equal(-7L, root["negative"]!.GetValue<long>());
        Assert.Equal(1.5, root["float"]!.GetValue<double>());
        Assert.True(root["yes"]!.GetValue<bool>());
        Assert.False(root["no"]!.GetValue<bool>());
        Assert.Null(root["nothing"]);
        Assert.True(root.ContainsKey("nothing"));
        Assert.Equal("42", root["quoted"]!.GetValue<string>());
        Assert.Equal("true", root["single"]!.GetValue<string>());
        Assert.Equal("hello", root["word"]!.GetValue<string>());
        Assert.Equal("12", root["tagged"]!.GetValue<string>());
        Assert.Equal("v1", root["version"]!.GetValue<string>());
    }

    [Fact]
    public void Every_document_and_field_keeps_its_line()
    {
        var documents = YamlJsonReader.Read("""
            # comment
            kind: A
            ---
            kind: B
            spec:
              http:
                - name: first
                - name: second
                  labels:
                    app.kubernetes.io/name: x
            """);

        Assert.Equal(2, documents.Count);
        Assert.Equal(2, documents[0].Line);
        Assert.Equal(4, documents[1].Line);
        var lines = documents[1].FieldLines;
        Assert.Equal(5, lines["spec"]);
        Assert.Equal(7, lines["spec.http[0]"]);
        Assert.Equal(8, lines["spec.http[1].name"]);
        Assert.Equal(10, lines["spec.http[1].labels['app.kubernetes.io/name']"]);
    }

    [Fact]
    public void Aliases_are_expanded()
    {
        var document = Assert.Single(YamlJsonReader.Read("""
            a: &labels
              app: reviews
            b: *labels
            """));

        Assert.Equal("reviews", document.Root!["b"]!["app"]!.GetValue<string>());
    }

    [Fact]
    public void Duplicate_keys_are_an_error_with_their_line()
    {
        var ex = Assert.Throws<YamlException>(() => YamlJsonReader.Read("a: 1\nb: 2\na: 3\n"));

        Assert.Equal(3, ex.Start.Line);
        Assert.Contains("duplicate key 'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_documents_have_no_root()
    {
        var documents = YamlJsonReader.Read("---\n# nothing\n---\nkind: A\n");

        Assert.Equal(2, documents.Count);
        Assert.Null(documents[0].Root);
        Assert.NotNull(documents[1].Root);
    }
}
