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

    public static (ResourceResult Result, CompiledMesh Mesh) Compile(string resourceYaml, string kind, string name = "test")
    {
        var set = ManifestLoader.LoadText("test.yaml", Mesh + resourceYaml);
        Assert.Empty(set.Problems);
        var compiled = MeshCompiler.Compile(set.ToSnapshot());
        var result = compiled.Results.Single(r => r.Resource == new ResourceRef(kind, "default", name));
        return (result, compiled);
    }
}
