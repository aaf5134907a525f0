using Mesh.Api.V1;
using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>Where endpoints run, and which locality settings reach the proxies, as Istio decides them.</summary>
public sealed class LocalityCompilerTests
{
    private const string Workloads = """
        apiVersion: v1
        kind: Service
        metadata: {name: shop, namespace: default}
        spec: {selector: {app: shop}, ports: [{name: http, port: 80}]}
        ---
        apiVersion: mesh.io/v1alpha1
        kind: WorkloadEntry
        metadata: {name: by-labels, namespace: default}
        spec: {address: 10.0.0.1, labels: {app: shop, topology.kubernetes.io/region: r1, topology.kubernetes.io/zone: z1, topology.istio.io/subzone: s1}}
        ---
        apiVersion: mesh.io/v1alpha1
        kind: WorkloadEntry
        metadata: {name: by-field, namespace: default}
        spec: {address: 10.0.0.2, locality: r2/z9, labels: {app: shop, topology.kubernetes.io/region: r1}}
        ---
        apiVersion: mesh.io/v1alpha1
        kind: WorkloadEntry
        metadata: {name: nowhere, namespace: default}
        spec: {address: 10.0.0.3, labels: {app: shop}}
        ---

        """;

    [Fact]
    public void Endpoints_carry_the_locality_of_their_labels_or_of_the_workload_entry_field()
    {
        var cluster = ShopCluster("");

        Assert.Equal("r1/z1/s1", cluster.Endpoints.Single(e => e.Address == "10.0.0.1").Locality);
        Assert.Equal("r2/z9", cluster.Endpoints.Single(e => e.Address == "10.0.0.2").Locality);
        Assert.Equal("", cluster.Endpoints.Single(e => e.Address == "10.0.0.3").Locality);
    }

    [Theory]
    [InlineData("")]
    [InlineData("loadBalancer: {simple: RANDOM, localityLbSetting: {failover: [{from: r1, to: r2}]}}")]
    [InlineData("outlierDetection: {consecutive5xxErrors: 1}\n    loadBalancer: {localityLbSetting: {enabled: false}}")]
    public void Failover_by_locality_reaches_the_proxy_only_with_outlier_detection_and_not_when_disabled(string policy)
    {
        Assert.Null(ShopCluster(policy).LoadBalancer.LocalityLbSetting);
    }

    [Fact]
    public void With_outlier_detection_failover_is_on_by_default_and_carries_the_failover_regions()
    {
        var setting = ShopCluster("outlierDetection: {consecutive5xxErrors: 1}\n    loadBalancer: {localityLbSetting: {failover: [{from: r1, to: r2}], failoverPriority: [tier]}}").LoadBalancer.LocalityLbSetting;

        Assert.True(setting.FailoverByPriority);
        Assert.Equal(("r1", "r2"), (setting.Failover.Single().From, setting.Failover.Single().To));
        Assert.Equal(["tier"], setting.FailoverPriority);
        Assert.True(ShopCluster("outlierDetection: {consecutive5xxErrors: 1}").LoadBalancer.LocalityLbSetting.FailoverByPriority);
    }

    [Fact]
    public void Distribute_reaches_the_proxy_without_outlier_detection()
    {
        var setting = ShopCluster("loadBalancer: {localityLbSetting: {distribute: [{from: r1/*, to: {r1/*: 70, r2/*: 30}}]}}").LoadBalancer.LocalityLbSetting;

        Assert.False(setting.FailoverByPriority);
        Assert.Equal(70u, setting.Distribute.Single().To["r1/*"]);
    }

    private static Cluster ShopCluster(string trafficPolicy)
    {
        var rule = trafficPolicy.Length == 0 ? "" : $"apiVersion: mesh.io/v1alpha1\nkind: DestinationRule\nmetadata: {{name: shop, namespace: default}}\nspec:\n  host: shop\n  trafficPolicy:\n    {trafficPolicy}\n";
        var set = ManifestLoader.LoadText("test.yaml", Workloads + rule);
        Assert.Empty(set.Problems);
        var mesh = MeshCompiler.Compile(set.ToSnapshot());
        Assert.DoesNotContain(mesh.Diagnostics, d => d.IsError);
        return mesh.ConfigFor(new Node { Id = "default/client", Namespace = "default" }).ToProxyConfig().Clusters.Single(c => c.Name == "outbound|80||shop.default.svc.cluster.local");
    }
}
