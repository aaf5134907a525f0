using Google.Protobuf;
using Mesh.Api.V1;
using Mesh.Operator.ConfigServer;
using Mesh.Operator.Tests.Compiler;
using CompiledConfig = Mesh.Operator.Compiler.CompiledProxyConfig;

namespace Mesh.Operator.Tests.Delta;

/// <summary>Deltas between two compiles of a real mesh carry exactly the resources the edit changed.</summary>
public sealed class CompiledDeltaTests
{
    private const string Workloads = """
        apiVersion: mesh.io/v1alpha1
        kind: WorkloadEntry
        metadata: {name: reviews-1, namespace: default}
        spec:
          address: ADDRESS
          ports: {http: 9080}
          labels: {app: reviews, version: v1}
        ---
        apiVersion: mesh.io/v1alpha1
        kind: WorkloadEntry
        metadata: {name: ratings-1, namespace: default}
        spec:
          address: 10.0.0.9
          ports: {http: 9080}
          labels: {app: ratings, version: v1}
        ---

        """;

    private const string Routes = """
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - route: [{destination: {host: reviews, subset: v1}, weight: WEIGHT}, {destination: {host: reviews, subset: v2}, weight: 10}]
        """;

    [Fact]
    public void A_route_change_sends_only_that_virtual_host()
    {
        var (before, after) = Compile(weight: 90, address: "10.0.0.1", nextWeight: 50, nextAddress: "10.0.0.1");

        var response = Roundtrip(before, after, out var rebuilt);

        Assert.Equal(["reviews.default.svc.cluster.local"], response.Config.VirtualHosts.Select(v => v.Name));
        Assert.Empty(response.Config.Clusters);
        Assert.Empty(response.Delta.ClusterEndpoints);
        Assert.Null(response.Config.Inbound);
        Assert.Equal(after.ToProxyConfig().ToByteArray(), rebuilt.ToByteArray());
    }

    [Fact]
    public void An_endpoint_change_sends_only_the_endpoints_of_the_clusters_that_hold_it()
    {
        var (before, after) = Compile(weight: 90, address: "10.0.0.1", nextWeight: 90, nextAddress: "10.0.0.2");

        var response = Roundtrip(before, after, out var rebuilt);

        Assert.Empty(response.Config.VirtualHosts);
        Assert.Empty(response.Config.Clusters);
        Assert.Equal(
            ["outbound|9080|v1|reviews.default.svc.cluster.local", "outbound|9080||reviews.default.svc.cluster.local"],
            response.Delta.ClusterEndpoints.Select(e => e.Cluster).Order(StringComparer.Ordinal));
        Assert.All(response.Delta.ClusterEndpoints, e => Assert.Equal("10.0.0.2", Assert.Single(e.Endpoints).Address));
        Assert.Equal(after.ToProxyConfig().ToByteArray(), rebuilt.ToByteArray());
    }

    private static (CompiledConfig Before, CompiledConfig After) Compile(int weight, string address, int nextWeight, string nextAddress)
    {
        var node = MeshFixture.Node("default", "app=web");
        var before = MeshFixture.Compile(Manifests(weight, address)).ConfigFor(node);
        var after = MeshFixture.Compile(Manifests(nextWeight, nextAddress)).ConfigFor(node);
        Assert.NotEqual(before.Version, after.Version);
        return (before, after);
    }

    private static string Manifests(int weight, string address) =>
        MeshFixture.Reviews + Workloads.Replace("ADDRESS", address, StringComparison.Ordinal) + Routes.Replace("WEIGHT", weight.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private static ConfigResponse Roundtrip(CompiledConfig before, CompiledConfig after, out ProxyConfig rebuilt)
    {
        var delta = after.Resources.DeltaFrom(before.Resources);
        Assert.NotNull(delta);
        var wire = DeltaRoundTripTests.Serialize(new ConfigResponseFrame(after.Version, "1", delta, delta.DeltaField));
        Assert.True(wire.Length < after.SerializedLength / 2, $"the delta ({wire.Length} bytes) is not much smaller than the config ({after.SerializedLength})");
        rebuilt = DeltaRoundTripTests.Receive(wire, before.ToProxyConfig());
        return ConfigResponse.Parser.ParseFrom(wire);
    }
}
