using Mesh.Api.V1;
using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;
using Mesh.Operator.Validation;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>
/// Istio's DestinationRule workloadSelector: the rule applies to the sidecars of the matching workloads in its own
/// namespace only, where it replaces (is not merged with) the rule without a selector; the oldest matching one wins.
/// </summary>
public sealed class WorkloadSelectorTests
{
    private const string Reviews = "outbound|9080||reviews.default.svc.cluster.local";

    private const string Services = """
        apiVersion: v1
        kind: Service
        metadata: {name: reviews, namespace: default}
        spec:
          selector: {app: reviews}
          ports: [{name: http, port: 9080}]
        ---
        apiVersion: mesh.io/v1alpha1
        kind: WorkloadEntry
        metadata: {name: reviews-v1, namespace: default}
        spec: {address: 10.0.0.1, labels: {app: reviews, version: v1}}
        ---

        """;

    private const string CatchAll = """
        apiVersion: mesh.io/v1alpha1
        kind: DestinationRule
        metadata: {name: reviews-all, namespace: default, creationTimestamp: "2024-01-01T00:00:00Z"}
        spec:
          host: reviews
          trafficPolicy:
            loadBalancer: {simple: ROUND_ROBIN}
            outlierDetection: {consecutive5xxErrors: 3}
          subsets: [{name: v1, labels: {version: v1}}]
        ---

        """;

    private static string Selected(string name, string labels, string simple, string ns = "default", string created = "2024-01-02T00:00:00Z") => $$"""
        apiVersion: mesh.io/v1alpha1
        kind: DestinationRule
        metadata: {name: {{name}}, namespace: {{ns}}, creationTimestamp: "{{created}}"}
        spec:
          host: reviews.default.svc.cluster.local
          workloadSelector: { matchLabels: { {{labels}} } }
          trafficPolicy:
            loadBalancer: {simple: {{simple}}}
        ---

        """;

    [Fact]
    public void A_selected_rule_applies_only_to_matching_workloads_in_its_namespace()
    {
        var mesh = Compile(CatchAll + Selected("for-ratings", "app: ratings", "RANDOM") + Selected("elsewhere", "app: ratings", "PASSTHROUGH", ns: "other"));

        Assert.Equal(LoadBalancer.Types.Simple.Random, Cluster(mesh, "default", "app=ratings").LoadBalancer.Simple);
        Assert.Equal(LoadBalancer.Types.Simple.RoundRobin, Cluster(mesh, "default", "app=productpage").LoadBalancer.Simple);
        Assert.Equal(LoadBalancer.Types.Simple.Passthrough, Cluster(mesh, "other", "app=ratings").LoadBalancer.Simple);
        Assert.Equal(LoadBalancer.Types.Simple.RoundRobin, Cluster(mesh, "third", "app=ratings").LoadBalancer.Simple);
    }

    /// <summary>A subset only the other rule defines has no endpoints for the selected proxies: routes to it get 503, as in Istio.</summary>
    [Fact]
    public void A_selected_rule_replaces_the_rule_without_a_selector_whole()
    {
        var mesh = Compile(CatchAll + Selected("for-ratings", "app: ratings", "RANDOM"));

        var config = mesh.ConfigFor(MeshFixture.Node("default", "app=ratings")).ToProxyConfig();
        var cluster = config.Clusters.Single(c => c.Name == Reviews);
        Assert.Null(cluster.OutlierDetection);
        Assert.Empty(config.Clusters.Single(c => c.Name == "outbound|9080|v1|reviews.default.svc.cluster.local").Endpoints);
        Assert.Single(mesh.ConfigFor(MeshFixture.Node("default", "app=other")).ToProxyConfig().Clusters.Single(c => c.Name == "outbound|9080|v1|reviews.default.svc.cluster.local").Endpoints);
    }

    /// <summary>
    /// Istio accepts a route to a subset only a workload-selected rule defines; the sidecars that rule does not select
    /// have no such cluster and answer 503. Here they get the cluster without endpoints, which answers 503 too, rather
    /// than a route to a cluster they lack (which the proxy would refuse).
    /// </summary>
    [Fact]
    public void A_subset_only_a_selected_rule_defines_has_endpoints_for_its_proxies_and_none_for_the_others()
    {
        const string canary = """
            apiVersion: mesh.io/v1alpha1
            kind: WorkloadEntry
            metadata: {name: reviews-v2, namespace: default}
            spec: {address: 10.0.0.2, labels: {app: reviews, version: v2}}
            ---
            apiVersion: mesh.io/v1alpha1
            kind: DestinationRule
            metadata: {name: reviews-canary, namespace: default, creationTimestamp: "2024-01-02T00:00:00Z"}
            spec:
              host: reviews
              workloadSelector: {matchLabels: {app: ratings}}
              subsets: [{name: v2, labels: {version: v2}}]
            ---
            apiVersion: mesh.io/v1alpha1
            kind: VirtualService
            metadata: {name: reviews, namespace: default}
            spec:
              hosts: [reviews]
              http: [{route: [{destination: {host: reviews, subset: v2}}]}]
            """;
        const string v2 = "outbound|9080|v2|reviews.default.svc.cluster.local";

        var mesh = Compile(CatchAll + canary);

        Assert.True(mesh.Results.Single(r => r.Resource.Kind == "VirtualService").IsAccepted);
        foreach (var (ns, labels, endpoints) in new[] { ("default", "app=ratings", 1), ("default", "app=productpage", 0), ("other", "app=ratings", 0) })
        {
            var config = mesh.ConfigFor(MeshFixture.Node(ns, labels)).ToProxyConfig();
            var route = config.VirtualHosts.Single(h => h.Name == "reviews.default.svc.cluster.local").Routes.Single();
            Assert.Equal(v2, route.Forward.Destinations.Single().Cluster);
            Assert.Equal(endpoints, config.Clusters.Single(c => c.Name == v2).Endpoints.Count);
        }

        Assert.Equal("10.0.0.2", mesh.ConfigFor(MeshFixture.Node("default", "app=ratings")).ToProxyConfig().Clusters.Single(c => c.Name == v2).Endpoints.Single().Address);
    }

    [Fact]
    public void Of_two_matching_selected_rules_the_oldest_applies()
    {
        var mesh = Compile(Selected("younger", "app: ratings", "RANDOM", created: "2024-02-01T00:00:00Z") + Selected("older", "version: v1", "PASSTHROUGH", created: "2024-01-15T00:00:00Z"));

        Assert.Equal(LoadBalancer.Types.Simple.Passthrough, Cluster(mesh, "default", "app=ratings,version=v1").LoadBalancer.Simple);
        Assert.Equal(LoadBalancer.Types.Simple.Random, Cluster(mesh, "default", "app=ratings,version=v2").LoadBalancer.Simple);
    }

    [Fact]
    public void Proxies_no_selected_rule_matches_share_one_cluster_list()
    {
        var mesh = Compile(CatchAll + Selected("for-ratings", "app: ratings", "RANDOM"));

        var a = mesh.ConfigFor(MeshFixture.Node("default", "app=a")).ToProxyConfig();
        var b = mesh.ConfigFor(MeshFixture.Node("default", "app=b")).ToProxyConfig();
        Assert.Same(a.Clusters.Single(c => c.Name == Reviews), b.Clusters.Single(c => c.Name == Reviews));
    }

    [Fact]
    public void A_selector_without_labels_is_valid_with_a_warning_and_selects_the_whole_namespace()
    {
        var yaml = Dr + "  host: reviews\n  workloadSelector: {}\n  trafficPolicy: {loadBalancer: {simple: RANDOM}}\n";

        AssertProblem("DestinationRule", yaml, "spec.workloadSelector", DiagnosticSeverity.Warning, "selects every workload");
        var mesh = Compile(yaml);
        Assert.Equal(LoadBalancer.Types.Simple.Random, Cluster(mesh, "default", "app=any").LoadBalancer.Simple);
    }

    [Fact]
    public void An_invalid_selector_label_is_an_error_at_its_path() =>
        AssertProblem("DestinationRule", Dr + "  host: reviews\n  workloadSelector: {matchLabels: {'a*': b}}\n", "spec.workloadSelector.matchLabels['a*']", DiagnosticSeverity.Error, "invalid label key");

    private static CompiledMesh Compile(string rules)
    {
        var set = ManifestLoader.LoadText("test.yaml", Services + rules);
        Assert.Empty(set.Problems);
        return MeshCompiler.Compile(set.ToSnapshot());
    }

    private static Cluster Cluster(CompiledMesh mesh, string ns, string labels) =>
        mesh.ConfigFor(MeshFixture.Node(ns, labels)).ToProxyConfig().Clusters.Single(c => c.Name == Reviews);
}
