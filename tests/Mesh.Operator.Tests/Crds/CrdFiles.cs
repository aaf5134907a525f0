using System.Text.Json.Nodes;
using Mesh.Operator.Manifests;

namespace Mesh.Operator.Tests.Crds;

/// <summary>The CustomResourceDefinitions in crds/, read as JSON.</summary>
internal static class CrdFiles
{
    public static IReadOnlyDictionary<string, JsonObject> ByKind { get; } = Load();

    public static JsonObject Schema(string kind) =>
        ByKind[kind]["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!.AsObject();

    private static Dictionary<string, JsonObject> Load()
    {
        var crds = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(TestPaths.InRepository("crds"), "*.yaml"))
        {
            foreach (var document in YamlJsonReader.Read(File.ReadAllText(file)))
            {
                var crd = document.Root!.AsObject();
                crds.Add(crd["spec"]!["names"]!["kind"]!.GetValue<string>(), crd);
            }
        }

        return crds;
    }
}
