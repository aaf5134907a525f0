using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;
using Mesh.Operator.Validation;

namespace Mesh.Operator.Tests.Validation;

/// <summary>Compiles one resource next to a small fixed mesh and returns what was found about it.</summary>
internal static class ValidationHarness
{
    public const string Mesh = """
        apiVersion: v1
        kind: Service
        metadata: {name: reviews, namespace: default}
        spec:
          selector: {app: reviews}
          ports: [{name: http, port: 9080}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: multi, namespace: default}
        spec:
          selector: {app: multi}
          ports: [{name: http, port: 80}, {name: admin, port: 8081}]
        ---
        apiVersion: mesh.io/v1alpha1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews
          subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
        ---
        apiVersion: mesh.io/v1alpha1
        kind: WorkloadEntry
        metadata: {name: reviews-v1, namespace: default}
        spec: {address: 10.0.0.1, labels: {app: reviews, version: v1}}
        ---
        apiVersion: mesh.io/v1alpha1
        kind: WorkloadEntry
        metadata: {name: reviews-v2, namespace: default}
        spec: {address: 10.0.0.2, labels: {app: reviews, version: v2}}
        ---

        """;

    public const string Vs = "apiVersion: mesh.io/v1alpha1\nkind: VirtualService\nmetadata: {name: test, namespace: default}\nspec:\n";

    public const string Dr = "apiVersion: mesh.io/v1alpha1\nkind: DestinationRule\nmetadata: {name: test, namespace: default}\nspec:\n";

    /// <summary>A VirtualService for reviews whose one rule has the given extra lines (indented under "- ").</summary>
    public static string Rule(string lines) =>
        Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews}}]\n" + string.Join("", lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "    " + l + "\n"));

    /// <summary>Asserts a problem of the severity at the exact field path, and that an error leaves the resource out.</summary>
    public static void AssertProblem(string kind, string yaml, string path, DiagnosticSeverity severity, string message)
    {
        var (result, _) = Compile(yaml, kind);
        var found = result.Diagnostics.Where(d => d.Path == path && d.Severity == severity).ToList();
        Assert.True(
            found.Exists(d => d.Message.Contains(message, StringComparison.Ordinal)),
            $"expected {severity} at {path} containing '{message}'; got: {string.Join(" | ", result.Diagnostics)}");
        Assert.Equal(severity != DiagnosticSeverity.Error, result.IsAccepted);
    }

    /// <summary>Asserts the resource has no error (warnings allowed) and is accepted.</summary>
    public static void AssertAccepted(string kind, string yaml)
    {
        var (result, _) = Compile(yaml, kind);
        Assert.True(result.IsAccepted, $"expected accepted; got: {string.Join(" | ", result.Diagnostics)}");
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
    }

    public static (ResourceResult Result, CompiledMesh Mesh) Compile(string resourceYaml, string kind, string name = "test")
    {
        var set = ManifestLoader.LoadText("test.yaml", Mesh + resourceYaml);
        Assert.Empty(set.Problems);
        var compiled = MeshCompiler.Compile(set.ToSnapshot());
        var result = compiled.Results.Single(r => r.Resource == new ResourceRef(kind, "default", name));
        return (result, compiled);
    }
}
