using System.Buffers;
using Google.Protobuf;
using Mesh.Api.Delta;
using Mesh.Api.V1;
using Mesh.Operator.Compiler;
using static Mesh.Operator.Tests.Compiler.MeshFixture;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>How tcp and tls routes compile into ProxyConfig.tcp_listeners, per proxy, and travel in deltas.</summary>
public sealed class L4RouteCompileTests
{
    private const string Services = """
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: default}
        spec:
          selector: {app: db}
          clusterIP: 10.96.0.10
          ports: [{name: tcp-main, port: 5432}, {name: tcp-replica, port: 5433}, {name: http-admin, port: 8080}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: secure, namespace: default}
        spec:
          selector: {app: secure}
          ports: [{name: web, appProtocol: https, port: 443}]
        ---
        apiVersion: mesh.io/v1alpha1
        kind: DestinationRule
        metadata: {name: db, namespace: default}
        spec:
          host: db
          subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
        ---

        """;

    private const string Routes = """
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: {name: db, namespace: default}
        spec:
          hosts: [db]
          tcp:
          - match: [{port: 5433}]
            route: [{destination: {host: db, subset: v2, port: {number: 5433}}}]
          - match: [{sourceLabels: {app: canary}}]
            route: [{destination: {host: db, subset: v2, port: {number: 5432}}}]
          - route:
            - {destination: {host: db, subset: v1, port: {number: 5432}}, weight: 75}
            - {destination: {host: db, subset: v2, port: {number: 5432}}, weight: 25}

        """;

    [Fact]
    public void Only_opaque_ports_get_listeners_and_the_tls_one_reads_sni()
    {
        var config = Compile(Services).ConfigFor("default");

        Assert.Equal(["db.default.svc.cluster.local:5432", "db.default.svc.cluster.local:5433", "secure.default.svc.cluster.local:443"], config.TcpListeners.Select(l => l.Name));
        Assert.Equal([false, false, true], config.TcpListeners.Select(l => l.Tls));
        Assert.Contains("10.96.0.10", config.TcpListeners[0].Hosts);
        Assert.Contains("db", config.TcpListeners[0].Hosts);
        Assert.DoesNotContain("db", Compile(Services).ConfigFor("other").TcpListeners[0].Hosts);
        Assert.All(config.TcpListeners, l => Assert.Equal("default", Assert.Single(l.Routes).Name));
    }

    [Fact]
    public void Rules_are_kept_per_port_in_order_and_end_with_the_service_itself()
    {
        var config = Compile(Services + Routes).ConfigFor("default");
        var main = config.TcpListeners.Single(l => l.Port == 5432);
        var replica = config.TcpListeners.Single(l => l.Port == 5433);

        Assert.Equal(["tcp[2]", "default"], main.Routes.Select(r => r.Name));
        Assert.Equal([("outbound|5432|v1|db.default.svc.cluster.local", 75u), ("outbound|5432|v2|db.default.svc.cluster.local", 25u)], main.Routes[0].Destinations.Select(d => (d.Cluster, d.Weight)));
        Assert.Equal(["tcp[0]", "tcp[2]", "default"], replica.Routes.Select(r => r.Name));
        Assert.Equal("outbound|5432||db.default.svc.cluster.local", main.Routes[^1].Destinations.Single().Cluster);
    }

    [Fact]
    public void Source_labels_scope_a_rule_to_the_selected_workloads()
    {
        var mesh = Compile(Services + Routes);

        Assert.Equal(["tcp[1]", "tcp[2]", "default"], mesh.ConfigFor("default", "app=canary").TcpListeners.Single(l => l.Port == 5432).Routes.Select(r => r.Name));
        Assert.Equal(["tcp[2]", "default"], mesh.ConfigFor("default", "app=other").TcpListeners.Single(l => l.Port == 5432).Routes.Select(r => r.Name));
    }

    [Fact]
    public void The_shared_encoding_and_a_delta_carry_the_listeners_byte_for_byte()
    {
        var before = Compile(Services).ConfigFor(Node("default"));
        var after = Compile(Services + Routes).ConfigFor(Node("default"));
        var written = new ArrayBufferWriter<byte>();
        after.WriteTo(written);
        Assert.True(written.WrittenSpan.SequenceEqual(after.ToProxyConfig().ToByteArray()), "WriteTo differs from the message's serialization");
        Assert.NotEqual(before.Version, after.Version);

        var delta = after.Resources.DeltaFrom(before.Resources);

        Assert.NotNull(delta);
        var response = ConfigResponse.Parser.ParseFrom(Delta.DeltaRoundTripTests.Serialize(new Mesh.Operator.ConfigServer.ConfigResponseFrame(after.Version, "1", delta, delta.DeltaField)));
        var applied = ProxyConfigDelta.Apply(before.ToProxyConfig(), response.Config, response.Delta);
        Assert.Equal(after.ToProxyConfig().ToByteArray(), applied.ToByteArray());
    }
}
