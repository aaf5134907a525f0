using System.Text.Json.Nodes;

namespace Mesh.Kubernetes.Tests.Fixtures;

/// <summary>
/// The fake API server's JSON Patch against the RFC 6902 conformance suite (json-patch/json-patch-tests), so
/// that client tests relying on the fake's patching rest on a proven implementation.
/// </summary>
public sealed class JsonPatchConformanceTests
{
    public static TheoryData<string, int> Records()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in new[] { "json-patch-tests.json", "json-patch-spec_tests.json" })
        {
            var records = Load(file);
            for (var i = 0; i < records.Count; i++)
            {
                if (records[i]!["disabled"]?.GetValue<bool>() != true)
                {
                    data.Add(file, i);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void Record_GivesTheExpectedDocumentOrAnError(string file, int index)
    {
        var record = Load(file)[index]!.AsObject();
        var document = record["doc"];
        var before = document?.DeepClone();
        if (record.ContainsKey("expected"))
        {
            var result = JsonPatch.Apply(document, record["patch"]);
            Assert.True(JsonNode.DeepEquals(record["expected"], result), $"{record["comment"]}: got {result?.ToJsonString() ?? "null"}");
        }
        else
        {
            Assert.Throws<JsonPatchException>(() => JsonPatch.Apply(document, record["patch"]));
        }

        Assert.True(JsonNode.DeepEquals(before, document), "the input document must not change");
    }

    [Theory]
    [InlineData("/00")]
    [InlineData("/01")]
    public void ArrayIndexesWithLeadingZeros_AreRejected(string path)
    {
        var patch = JsonNode.Parse($$"""[{"op":"test","path":"{{path}}","value":"foo"}]""");
        Assert.Throws<JsonPatchException>(() => JsonPatch.Apply(JsonNode.Parse("""["foo","bar"]"""), patch));
    }

    [Fact]
    public void TheSuite_IsPresentAndNotEmpty() => Assert.True(Records().Count >= 100);

    private static JsonArray Load(string file)
        => JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", file)))!.AsArray();
}
