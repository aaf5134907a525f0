using System.Globalization;
using Google.Protobuf;
using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>A compile that takes over the previous compile's virtual hosts gives the configs a fresh compile gives.</summary>
public sealed class CompileReuseTests
{
    private const string Mesh = """
        apiVersion: v1
        kind: Service
        metadata: {name: a, namespace: default}
        spec: {selector: {app: a}, ports: [{name: http, port: 80}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: b, namespace: default}
        spec: {selector: {app: b}, ports: [{name: http, port: 80}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: c, namespace: other}
        spec: {selector: {app: c}, ports: [{name: http, port: 80}]}
        ---
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: {name: a, namespace: default}
        spec:
          hosts: [a]
          http:
          - match: [{sourceLabels: {app: SELECTOR}}]
            route: [{destination: {host: b}}]
          - route: [{destination: {host: a}}]
        ---
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: {name: b, namespace: default}
        spec:
          hosts: [b]
          http:
          - match: [{sourceLabels: {app: x}}]
            route: [{destination: {host: a}}]
          - route: [{destination: {host: b}, weight: WEIGHT}, {destination: {host: a}, weight: REST}]
        """;

    private static readonly string[][] Nodes = [["default", "app=x"], ["default", "app=y"], ["default", "app=z"], ["other", "app=x"], ["other", "app=c"]];

    [Fact]
    public void Every_config_equals_a_fresh_compile_through_route_and_selector_changes()
    {
        // Weights change (b's routes), then a's selector changes so that b's selector gets another id, then back.
        (string Selector, int Weight)[] steps = [("x", 90), ("x", 50), ("y", 50), ("x", 50), ("x", 90)];
        CompiledMesh? previous = null;
        foreach (var (selector, weight) in steps)
        {
            var snapshot = Snapshot(selector, weight);
            var fresh = MeshCompiler.Compile(snapshot);
            var reused = MeshCompiler.Compile(snapshot, previous: previous);
            foreach (var node in Nodes.Select(n => MeshFixture.Node(n[0], n[1])))
            {
                var expected = fresh.ConfigFor(node);
                var actual = reused.ConfigFor(node);
                Assert.Equal(expected.Version, actual.Version);
                Assert.Equal(expected.ToProxyConfig().ToByteArray(), actual.ToProxyConfig().ToByteArray());
            }

            previous = reused;
        }
    }

    [Fact]
    public void A_host_whose_inputs_did_not_change_keeps_its_virtual_host()
    {
        var node = MeshFixture.Node("other", "app=c");
        var before = MeshCompiler.Compile(Snapshot("x", 90));
        var after = MeshCompiler.Compile(Snapshot("x", 50), previous: before);

        var hostsBefore = before.ConfigFor(node).VirtualHosts.ToDictionary(h => h.Name);
        var hostsAfter = after.ConfigFor(node).VirtualHosts.ToDictionary(h => h.Name);

        Assert.Same(hostsBefore["a.default.svc.cluster.local"], hostsAfter["a.default.svc.cluster.local"]);
        Assert.Same(hostsBefore["c.other.svc.cluster.local"], hostsAfter["c.other.svc.cluster.local"]);
        Assert.NotSame(hostsBefore["b.default.svc.cluster.local"], hostsAfter["b.default.svc.cluster.local"]);
    }

    private static MeshSnapshot Snapshot(string selector, int weight)
    {
        var yaml = Mesh
            .Replace("SELECTOR", selector, StringComparison.Ordinal)
            .Replace("WEIGHT", weight.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("REST", (100 - weight).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var set = ManifestLoader.LoadText("test.yaml", yaml);
        Assert.Empty(set.Problems);
        return set.ToSnapshot();
    }
}
