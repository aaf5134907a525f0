using System.Buffers;
using Google.Protobuf;
using Mesh.Operator.Compiler;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>A proxy's config written from shared encoded parts is byte for byte the serialization of its message.</summary>
public sealed class CompiledProxyConfigTests
{
    private const string Mesh = MeshFixture.Reviews + """
        apiVersion: v1
        kind: Service
        metadata: {name: shop, namespace: other}
        spec:
          selector: {app: shop}
          ports: [{name: http, port: 80}]
        ---
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - match: [{sourceLabels: {canary: "true"}}]
            route: [{destination: {host: reviews, subset: v3}}]
          - route: [{destination: {host: reviews, subset: v1}, weight: 70}, {destination: {host: reviews, subset: v2}, weight: 30}]
        ---
        apiVersion: mesh.io/v1alpha1
        kind: MeshPolicy
        metadata: {name: limits, namespace: other}
        spec:
          mtls: {mode: STRICT}
          rateLimit: {requestsPerSecond: 10, burst: 20}
        """;

    [Theory]
    [InlineData("default", "app=web")]
    [InlineData("default", "app=api,canary=true")]
    [InlineData("other", "app=shop")]
    [InlineData("empty", "")]
    public void Writes_exactly_the_serialization_of_its_message(string ns, string labels)
    {
        var config = MeshFixture.Compile(Mesh).ConfigFor(MeshFixture.Node(ns, labels));

        var written = new ArrayBufferWriter<byte>();
        config.WriteTo(written);

        var expected = config.ToProxyConfig().ToByteArray();
        Assert.Equal(expected.Length, config.SerializedLength);
        Assert.Equal(expected, written.WrittenSpan.ToArray());
    }

    [Fact]
    public void An_empty_mesh_writes_only_the_proxy_s_own_fields()
    {
        var config = MeshFixture.Compile("").ConfigFor(MeshFixture.Node("default"));

        var written = new ArrayBufferWriter<byte>();
        config.WriteTo(written);

        Assert.Equal(config.ToProxyConfig().ToByteArray(), written.WrittenSpan.ToArray());
    }
}
