using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;
using Mesh.Operator.Validation;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>
/// What a compile given the one before it takes over when only endpoints changed, and what it does again when a
/// service's ports or an endpoint's labels changed.
/// </summary>
public sealed class EndpointChangeReuseTests
{
    private const string Services = """
        apiVersion: v1
        kind: Service
        metadata: {name: a, namespace: default}
        spec: {selector: {app: a}, ports: [{name: http, port: 80}]}
        ---
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: {name: a, namespace: default}
        spec:
          hosts: [a]
          http:
          - match: [{sourceLabels: {app: x}}]
            route: [{destination: {host: b, subset: v1}}]
          - route: [{destination: {host: b}}]
        ---
        apiVersion: mesh.io/v1alpha1
        kind: DestinationRule
        metadata: {name: b, namespace: default}
        spec:
          host: b
          subsets: [{name: v1, labels: {version: v1}}]
        """;

    private readonly Dictionary<string, IReadOnlyList<k8s.IKubernetesObject<k8s.Models.V1ObjectMeta>>> _loaded = new(StringComparer.Ordinal);

    [Fact]
    public void An_endpoint_only_change_takes_over_the_validation_the_route_templates_and_the_unchanged_results()
    {
        var before = MeshCompiler.Compile(Snapshot(port: 80, entryPort: 8000, version: "v1"));
        var after = MeshCompiler.Compile(Snapshot(port: 80, entryPort: 8001, version: "v1"), previous: before);

        Assert.Same(before.Work.Validated.Rules, after.Work.Validated.Rules);
        Assert.Same(before.Work.Validated.VirtualServices, after.Work.Validated.VirtualServices);
        Assert.Same(before.Work.Routes.Hosts, after.Work.Routes.Hosts);
        Assert.Same(before.Work.Routes.Selectors, after.Work.Routes.Selectors);
        Assert.Same(Result(before, "VirtualService"), Result(after, "VirtualService"));
        Assert.NotSame(Result(before, "WorkloadEntry"), Result(after, "WorkloadEntry"));
        Assert.Equal("outbound|80||b.default.svc.cluster.local", Cluster(after, "a.default.svc.cluster.local"));
    }

    [Fact]
    public void A_service_port_change_builds_the_route_templates_again()
    {
        var before = MeshCompiler.Compile(Snapshot(port: 80, entryPort: 8000, version: "v1"));
        var after = MeshCompiler.Compile(Snapshot(port: 8080, entryPort: 8000, version: "v1"), previous: before);

        Assert.NotSame(before.Work.Routes.Hosts, after.Work.Routes.Hosts);
        Assert.Equal("outbound|8080||b.default.svc.cluster.local", Cluster(after, "a.default.svc.cluster.local"));
    }

    [Fact]
    public void An_endpoint_label_change_validates_again()
    {
        var before = MeshCompiler.Compile(Snapshot(port: 80, entryPort: 8000, version: "v1"));
        var after = MeshCompiler.Compile(Snapshot(port: 80, entryPort: 8000, version: "v2"), previous: before);

        Assert.Empty(Result(before, "DestinationRule").Diagnostics);
        Assert.Equal("selects no endpoint of b.default.svc.cluster.local", Assert.Single(Result(after, "DestinationRule").Diagnostics).Message);
    }

    private static ResourceResult Result(CompiledMesh mesh, string kind) => mesh.Results.Single(r => r.Resource.Kind == kind);

    private static string Cluster(CompiledMesh mesh, string host) =>
        mesh.ConfigFor(MeshFixture.Node("default", "app=z")).ToProxyConfig().VirtualHosts.Single(h => h.Name == host).Routes[^1].Forward.Destinations.Single().Cluster;

    // Each document loaded once, so that an unchanged one gives the same objects, as the sources do.
    private MeshSnapshot Snapshot(int port, int entryPort, string version) => MeshSnapshot.From(new[]
    {
        Services,
        $$$"""
        apiVersion: v1
        kind: Service
        metadata: {name: b, namespace: default}
        spec: {selector: {app: b}, ports: [{name: http, port: {{{port}}} }]}
        """,
        $$$"""
        apiVersion: mesh.io/v1alpha1
        kind: WorkloadEntry
        metadata: {name: b-1, namespace: default}
        spec: {address: 10.0.0.1, ports: {http: {{{entryPort}}} }, labels: {app: b, version: {{{version}}} }}
        """,
    }.SelectMany(Load));

    private IReadOnlyList<k8s.IKubernetesObject<k8s.Models.V1ObjectMeta>> Load(string text)
    {
        if (!_loaded.TryGetValue(text, out var objects))
        {
            var set = ManifestLoader.LoadText("test.yaml", text);
            Assert.Empty(set.Problems);
            _loaded[text] = objects = [.. set.Resources.Select(r => r.Object)];
        }

        return objects;
    }
}
