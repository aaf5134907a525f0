using Mesh.Api.V1;
using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>MeshPolicy <c>egress.hosts</c> narrows what a proxy gets, with Istio Sidecar semantics.</summary>
public sealed class EgressScopeTests
{
    private const string Shop = """
        apiVersion: v1
        kind: Service
        metadata: {name: shop, namespace: other}
        spec:
          selector: {app: shop}
          ports: [{name: http, port: 80}]
        ---

        """;

    private const string ReviewsToRatings = """
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - route: [{destination: {host: ratings, subset: v1}}]
        ---

        """;

    [Fact]
    public void Without_a_scope_a_proxy_gets_the_whole_mesh()
    {
        var config = MeshFixture.Compile(MeshFixture.Reviews + Shop).ConfigFor("default", "app=web");

        Assert.Equal(["ratings.default.svc.cluster.local", "reviews.default.svc.cluster.local", "shop.other.svc.cluster.local"], Hosts(config));
    }

    [Fact]
    public void Dot_star_keeps_the_workloads_own_namespace_and_applies_only_there()
    {
        var mesh = MeshFixture.Compile(MeshFixture.Reviews + Shop + Policy("default", "scope", "[./*]"));

        var inDefault = mesh.ConfigFor("default", "app=web");
        var inOther = mesh.ConfigFor("other", "app=shop");

        Assert.Equal(["ratings.default.svc.cluster.local", "reviews.default.svc.cluster.local"], Hosts(inDefault));
        Assert.DoesNotContain(inDefault.Clusters, c => c.ServiceHost == "shop.other.svc.cluster.local");
        Assert.Contains(inDefault.Clusters, c => c.ServiceHost == "reviews.default.svc.cluster.local");
        Assert.Equal(3, Hosts(inOther).Length);
    }

    [Fact]
    public void A_namespace_entry_and_a_host_entry_select_those_services()
    {
        var mesh = MeshFixture.Compile(MeshFixture.Reviews + Shop + Policy("default", "scope", "[other/*, '*/ratings.default.svc.cluster.local']"));

        Assert.Equal(["ratings.default.svc.cluster.local", "shop.other.svc.cluster.local"], Hosts(mesh.ConfigFor("default", "app=web")));
    }

    [Fact]
    public void A_route_to_a_service_outside_the_scope_keeps_its_cluster()
    {
        var mesh = MeshFixture.Compile(MeshFixture.Reviews + Shop + ReviewsToRatings + Policy("default", "scope", "['*/reviews.default.svc.cluster.local']"));

        var config = mesh.ConfigFor("default", "app=web");

        Assert.Equal(["reviews.default.svc.cluster.local"], Hosts(config));
        Assert.Contains(config.Clusters, c => c.Name == "outbound|9080|v1|ratings.default.svc.cluster.local");
        Assert.DoesNotContain(config.Clusters, c => c.ServiceHost == "shop.other.svc.cluster.local");
    }

    [Fact]
    public void A_workload_policy_beats_its_namespaces_which_beats_the_root_namespaces()
    {
        var mesh = MeshFixture.Compile(MeshFixture.Reviews + Shop
            + Policy("mesh-system", "mesh-wide", "[other/*]")
            + Policy("default", "namespace", "['*/ratings.default.svc.cluster.local']")
            + Policy("default", "workload", "['*/reviews.default.svc.cluster.local']", selector: "{matchLabels: {app: web}}"));

        Assert.Equal(["reviews.default.svc.cluster.local"], Hosts(mesh.ConfigFor("default", "app=web")));
        Assert.Equal(["ratings.default.svc.cluster.local"], Hosts(mesh.ConfigFor("default", "app=api")));
        Assert.Equal(["shop.other.svc.cluster.local"], Hosts(mesh.ConfigFor("other", "app=shop")));
    }

    [Fact]
    public void A_malformed_entry_is_reported_at_its_field_path_and_the_policy_left_out()
    {
        var set = ManifestLoader.LoadText("test.yaml", MeshFixture.Reviews + Shop + Policy("default", "bad", "[./*, reviews, 'a/b/c', 'Bad_Ns/*']"));
        var mesh = MeshCompiler.Compile(set.ToSnapshot());

        var errors = mesh.Diagnostics.Where(d => d.IsError).Select(d => d.Path).ToList();
        Assert.Equal(["spec.egress.hosts[1]", "spec.egress.hosts[2]", "spec.egress.hosts[3]"], errors);
        Assert.Equal(3, Hosts(mesh.ConfigFor("default", "app=web")).Length);
    }

    private static string[] Hosts(ProxyConfig config) => [.. config.VirtualHosts.Select(v => v.Name)];

    private static string Policy(string ns, string name, string hosts, string? selector = null) => $"""
        apiVersion: mesh.io/v1alpha1
        kind: MeshPolicy
        metadata: {"{"}name: {name}, namespace: {ns}{"}"}
        spec:
          {(selector is null ? "" : $"selector: {selector}")}
          egress:
            hosts: {hosts}
        ---

        """;
}
