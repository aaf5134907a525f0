using Mesh.Api.V1;
using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>Compiles YAML manifests and builds proxy Nodes for tests.</summary>
internal static class MeshFixture
{
    public static CompiledMesh Compile(string yaml)
    {
        var set = ManifestLoader.LoadText("test.yaml", yaml);
        Assert.Empty(set.Problems);
        var compiled = MeshCompiler.Compile(set.ToSnapshot());
        Assert.DoesNotContain(compiled.Diagnostics, d => d.IsError);
        return compiled;
    }

    public static Node Node(string ns, string labels = "", string serviceAccount = "default")
    {
        var node = new Node { Id = ns + "/proxy", Namespace = ns, ServiceAccount = serviceAccount };
        foreach (var pair in labels.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=');
            node.Labels.Add(parts[0], parts[1]);
        }

        return node;
    }

    public static ProxyConfig ConfigFor(this CompiledMesh mesh, string ns, string labels = "") =>
        mesh.ConfigFor(Node(ns, labels)).ToProxyConfig();

    public static VirtualHost Host(this ProxyConfig config, string name) =>
        config.VirtualHosts.Single(h => h.Name == name);

    /// <summary>Each route as (name, [(cluster, weight)]).</summary>
    public static IEnumerable<(string Name, (string Cluster, uint Weight)[] Destinations)> Forwards(this VirtualHost host) =>
        host.Routes.Select(r => (r.Name, r.Forward.Destinations.Select(d => (d.Cluster, d.Weight)).ToArray()));

    public const string Reviews = """
        apiVersion: v1
        kind: Service
        metadata: {name: reviews, namespace: default}
        spec:
          selector: {app: reviews}
          ports: [{name: http, port: 9080}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: ratings, namespace: default}
        spec:
          selector: {app: ratings}
          ports: [{name: http, port: 9080}]
        ---
        apiVersion: mesh.io/v1alpha1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews
          subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}, {name: v3, labels: {version: v3}}]
        ---
        apiVersion: mesh.io/v1alpha1
        kind: DestinationRule
        metadata: {name: ratings, namespace: default}
        spec:
          host: ratings
          subsets: [{name: v1, labels: {version: v1}}]
        ---

        """;
}
