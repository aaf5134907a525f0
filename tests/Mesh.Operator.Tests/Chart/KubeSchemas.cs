using System.Text.Json.Nodes;
using Mesh.Testing;

namespace Mesh.Operator.Tests.Chart;

/// <summary>
/// Validators nobody here wrote (peers/kube-schemas): kubernetes-models 4.5.1 checks built-in kinds against Kubernetes'
/// OpenAPI schemas with ajv, and ajv checks custom resources against their CRD's <c>openAPIV3Schema</c>.
/// </summary>
internal static class KubeSchemas
{
    public static readonly string Folder = TestPaths.InRepository("tests", "Mesh.Operator.Tests", "peers", "kube-schemas");

    private static readonly string Script = Path.Combine(Folder, "validate.js");

    public static bool Installed => Directory.Exists(Path.Combine(Folder, "node_modules", "kubernetes-models"));

    /// <summary>One verdict per object, in order.</summary>
    public static Task<IReadOnlyList<Verdict>> BuiltinAsync(IEnumerable<JsonObject> objects) =>
        RunAsync(new JsonObject { ["mode"] = "builtin", ["objects"] = Array(objects) });

    public static Task<IReadOnlyList<Verdict>> CustomAsync(IEnumerable<JsonObject> crds, IEnumerable<JsonObject> objects) =>
        RunAsync(new JsonObject { ["mode"] = "custom", ["crds"] = Array(crds), ["objects"] = Array(objects) });

    /// <summary>Every problem, one line per object that is not valid: "Kind name: message".</summary>
    public static List<string> Problems(IReadOnlyList<JsonObject> objects, IReadOnlyList<Verdict> verdicts) =>
        [.. objects.Zip(verdicts).Where(p => p.Second.Status != "valid").Select(p => $"{p.First["apiVersion"]} {p.First["kind"]} {p.First["metadata"]?["name"]}: {p.Second.Status} {p.Second.Message}")];

    private static async Task<IReadOnlyList<Verdict>> RunAsync(JsonObject input)
    {
        var result = await NodeScript.RunAsync(Script, input.ToJsonString(), TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, $"validate.js failed ({result.ExitCode}): {result.Error}");
        return [.. JsonNode.Parse(result.Output)!.AsArray().Select(v => new Verdict((string)v!["status"]!, (string)v["message"]!))];
    }

    private static JsonArray Array(IEnumerable<JsonObject> objects) => [.. objects.Select(o => o.DeepClone())];

    internal sealed record Verdict(string Status, string Message);
}
