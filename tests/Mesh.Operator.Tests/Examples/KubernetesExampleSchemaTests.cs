using System.Text.Json.Nodes;
using Mesh.Operator.Manifests;
using Mesh.Operator.Tests.Chart;

namespace Mesh.Operator.Tests.Examples;

/// <summary>
/// Every object under examples/kubernetes as the API server would check it, by validators nobody here wrote: the
/// mesh.io resources against the CRDs' openAPIV3Schema (ajv, unknown fields rejected as kubectl's strict field
/// validation does), everything else against Kubernetes' own schemas (kubernetes-models). analyze is
/// KubernetesBookinfoExampleTests' part.
/// </summary>
public sealed class KubernetesExampleSchemaTests
{
    private static readonly string ExamplesDirectory = TestPaths.InRepository("examples", "kubernetes");

    private static List<JsonObject> Examples =>
        [.. Directory.GetFiles(ExamplesDirectory, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .SelectMany(f => YamlJsonReader.Read(File.ReadAllText(f))).Select(d => d.Root).OfType<JsonObject>()];

    private static List<JsonObject> Crds =>
        [.. Directory.GetFiles(TestPaths.InRepository("crds"), "*.yaml").Order(StringComparer.Ordinal).Select(f => ChartFiles.ReadPlain(f).Single())];

    [HelmFact]
    public async Task Every_mesh_resource_passes_its_crd_schema_and_every_other_object_kubernetes_schemas()
    {
        var objects = Examples;
        var custom = objects.Where(IsMesh).ToList();
        var builtin = objects.Where(o => !IsMesh(o)).ToList();

        var problems = KubeSchemas.Problems(custom, await KubeSchemas.CustomAsync(Crds, custom))
            .Concat(KubeSchemas.Problems(builtin, await KubeSchemas.BuiltinAsync(builtin)))
            .ToList();

        Assert.True(problems.Count == 0, "example objects that fail their schema:\n" + string.Join('\n', problems));
        Assert.Equal(["DestinationRule", "VirtualService"], custom.Select(o => (string)o["kind"]!).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(builtin, o => (string?)o["kind"] == "Deployment");
    }

    [HelmFact]
    public async Task A_misspelt_field_or_a_wrong_type_in_a_mesh_resource_is_reported_with_its_path()
    {
        var misspelt = Examples.First(o => (string?)o["kind"] == "VirtualService");
        misspelt["spec"]!["hostz"] = misspelt["spec"]!["hosts"]!.DeepClone();
        var mistyped = Examples.First(o => (string?)o["kind"] == "DestinationRule");
        mistyped["spec"]!["host"] = 42;

        var verdicts = await KubeSchemas.CustomAsync(Crds, [misspelt, mistyped]);

        Assert.Equal(("invalid", "invalid"), (verdicts[0].Status, verdicts[1].Status));
        Assert.Contains("/spec must NOT have additional properties (hostz)", verdicts[0].Message, StringComparison.Ordinal);
        Assert.Contains("/spec/host must be string", verdicts[1].Message, StringComparison.Ordinal);
    }

    private static bool IsMesh(JsonObject o) => ((string?)o["apiVersion"])?.StartsWith("mesh.io/", StringComparison.Ordinal) == true;
}
