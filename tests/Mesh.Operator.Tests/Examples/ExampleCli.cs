using System.Text.Json.Nodes;
using Google.Protobuf;
using Mesh.Api.V1;
using Mesh.Operator.Cli;

namespace Mesh.Operator.Tests.Examples;

/// <summary>Runs <c>mesh-operator analyze</c> and <c>compile</c> on the YAML files of one folder under examples/.</summary>
internal static class ExampleCli
{
    /// <summary>The exit code, standard output and standard error of <c>analyze</c> on the example's files.</summary>
    public static (int Code, string Output, string Error) Analyze(string example)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = MeshCli.Run(["analyze", .. Manifests(example)], output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The config <c>compile</c> gives <paramref name="proxy"/> (NAMESPACE/NAME), which must succeed silently.</summary>
    public static ProxyConfig Compile(string example, string proxy)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = MeshCli.Run(["compile", .. Manifests(example), "--proxy", proxy], output, error);
        Assert.Equal((0, ""), (code, error.ToString()));
        return JsonParser.Default.Parse<ProxyConfig>(JsonNode.Parse(output.ToString())!["config"]!.ToJsonString());
    }

    private static string[] Manifests(string example) =>
        [.. Directory.GetFiles(TestPaths.InRepository("examples", example), "*.yaml").Order(StringComparer.Ordinal)];
}
