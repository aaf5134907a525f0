using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using Mesh.Operator.Cli;
using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>
/// A golden case: <c>Golden/CASE/input.yaml</c> compiled into <c>Golden/CASE/expected.json</c>, which holds every
/// problem (as <c>analyze</c> prints it) and the config of every WorkloadEntry's and Pod's proxy.
/// </summary>
internal static class GoldenCase
{
    public const string UpdateVariable = "MESH_UPDATE_GOLDEN";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Directory => Path.Combine(TestPaths.TestProject, "Compiler", "Golden");

    public static IEnumerable<string> Names() =>
        System.IO.Directory.EnumerateDirectories(Directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    public static string Render(string caseName) => Render(caseName, set => set.ToSnapshot());

    /// <summary>Renders a case from the snapshot <paramref name="snapshotOf"/> makes of its manifests.</summary>
    public static string Render(string caseName, Func<ManifestSet, MeshSnapshot> snapshotOf)
    {
        var input = Path.Combine(Directory, caseName, "input.yaml");
        var set = ManifestLoader.LoadText("input.yaml", File.ReadAllText(input));
        var compiled = MeshCompiler.Compile(snapshotOf(set));
        var problems = new JsonArray();
        foreach (var (line, _) in ProblemFormatter.FormatAll(set, compiled.Diagnostics))
        {
            problems.Add(line);
        }

        var proxies = new JsonObject();
        foreach (var workload in set.Resources.Where(r => r.Object is WorkloadEntry or V1Pod).OrderBy(r => r.Ref))
        {
            var id = $"{workload.Ref.Namespace}/{workload.Ref.Name}";
            var node = CompileCommand.FindNode(set, id)!;
            proxies[id] = JsonNode.Parse(ProxyConfigJson.Format(compiled.ConfigFor(node)));
        }

        return new JsonObject { ["problems"] = problems, ["proxies"] = proxies }.ToJsonString(Indented) + "\n";
    }

    public static string ExpectedPath(string caseName) => Path.Combine(Directory, caseName, "expected.json");

    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";
}
