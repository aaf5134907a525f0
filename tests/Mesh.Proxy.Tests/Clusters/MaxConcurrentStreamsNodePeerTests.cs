using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Mesh.Proxy.Tests.Fixtures;

namespace Mesh.Proxy.Tests.Clusters;

/// <summary>
/// connectionPool.http.maxConcurrentStreams against HTTP/2 servers nobody here wrote: Node's http2 (nghttp2, what
/// Envoy used for years) over h2c and behind the proxy's TLS origination, and @grpc/grpc-js on a gRPC port. The
/// operator compiles the DestinationRule, the real proxy forwards 8 concurrent requests, and the server counts the
/// streams each connection carried at once.
/// </summary>
public sealed class MaxConcurrentStreamsNodePeerTests
{
    private const int Requests = 8;
    private const int Limit = 2;
    private static readonly TimeSpan HoldDeadline = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(null)]
    [InlineData(100u)]
    public async Task Against_nodes_http2_server_each_connection_carries_at_most_the_limit(uint? serverLimit)
    {
        await using var server = await NodeStreamCountingServer.StartHttp2Async(Requests, HoldDeadline, serverLimit);
        await using var proxy = await StartAsync(server.Port, "http", $"connectionPool: {{ http: {{ h2UpgradePolicy: UPGRADE, maxConcurrentStreams: {Limit} }} }}");

        var statuses = await SendConcurrentlyAsync(() => proxy.GetAsync("shop:9080"));

        await AssertSpreadAsync(server, statuses);
    }

    [Fact]
    public async Task Without_the_field_nodes_http2_server_takes_every_stream_on_one_connection()
    {
        await using var server = await NodeStreamCountingServer.StartHttp2Async(Requests, HoldDeadline);
        await using var proxy = await StartAsync(server.Port, "http", "connectionPool: { http: { h2UpgradePolicy: UPGRADE } }");

        var statuses = await SendConcurrentlyAsync(() => proxy.GetAsync("shop:9080"));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        var counts = await server.ReportAsync();
        Assert.True(counts.AllHeldTogether, $"{counts.Arrived} of {Requests} requests were in flight together");
        Assert.Equal(Requests, Assert.Single(counts.PeakStreams));
    }

    [Fact]
    public async Task Over_tls_origination_to_nodes_http2_server_each_connection_carries_at_most_the_limit()
    {
        var directory = Directory.CreateTempSubdirectory("mesh-h2-tls-").FullName;
        try
        {
            using var ca = new TestCertificateAuthority("node h2 test CA");
            using var certificate = ca.IssueTls("shop.example");
            var caFile = Path.Combine(directory, "ca.pem");
            var certificateFile = Path.Combine(directory, "server.pem");
            var keyFile = Path.Combine(directory, "server.key");
            await File.WriteAllTextAsync(caFile, ca.Root.ExportCertificatePem());
            await File.WriteAllTextAsync(certificateFile, certificate.ExportCertificatePem());
            await File.WriteAllTextAsync(keyFile, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
            await using var server = await NodeStreamCountingServer.StartHttp2Async(Requests, HoldDeadline, tls: (certificateFile, keyFile));
            await using var proxy = await StartAsync(server.Port, "http", $$"""
                tls: { mode: SIMPLE, sni: shop.example, caCertificates: {{caFile}} }
                    connectionPool: { http: { h2UpgradePolicy: UPGRADE, maxConcurrentStreams: {{Limit}} } }
                """);

            var statuses = await SendConcurrentlyAsync(() => proxy.GetAsync("shop:9080"));

            await AssertSpreadAsync(server, statuses);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task On_a_grpc_port_to_a_grpc_js_server_each_connection_carries_at_most_the_limit()
    {
        await using var server = await NodeStreamCountingServer.StartGrpcAsync(Requests, HoldDeadline);
        await using var proxy = await StartAsync(server.Port, "grpc", $"connectionPool: {{ http: {{ maxConcurrentStreams: {Limit} }} }}");

        var statuses = await SendConcurrentlyAsync(async () =>
        {
            var response = await proxy.SendAsync(HttpMethod.Post, "shop:9080", "/mesh.test.Holder/Hold", request =>
            {
                request.Version = HttpVersion.Version20;
                request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
                request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));

                // One uncompressed message of no bytes: a flag byte and a 4-byte length.
                request.Content = new ByteArrayContent(new byte[5]);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            });

            // "ok" framed as a gRPC message, and the call's status in the trailers.
            Assert.Equal([0, 0, 0, 0, 2, (byte)'o', (byte)'k'], await response.Content.ReadAsByteArrayAsync());
            Assert.Equal("0", Assert.Single(response.TrailingHeaders.GetValues("grpc-status")));
            return response;
        });

        await AssertSpreadAsync(server, statuses);
    }

    private static async Task<HttpStatusCode[]> SendConcurrentlyAsync(Func<Task<HttpResponseMessage>> send) =>
        await Task.WhenAll(Enumerable.Range(0, Requests).Select(async _ =>
        {
            using var response = await send();
            return response.StatusCode;
        }));

    private static async Task AssertSpreadAsync(NodeStreamCountingServer server, HttpStatusCode[] statuses)
    {
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        var counts = await server.ReportAsync();
        Assert.True(counts.AllHeldTogether, $"{counts.Arrived} of {Requests} requests were in flight together");
        Assert.All(counts.PeakStreams, peak => Assert.InRange(peak, 1, Limit));
        Assert.True(counts.PeakStreams.Count >= Requests / Limit, $"{counts.PeakStreams.Count} connections for {Requests} concurrent requests at {Limit} streams each");
    }

    private static Task<ProxyUnderTest> StartAsync(int serverPort, string portName, string trafficPolicy) =>
        ProxyUnderTest.StartAsync(CompiledManifests.For(
            CompiledManifests.Service("shop", [(portName, 9080)], [("shop", serverPort, "")]) + $$"""
                ---
                apiVersion: mesh.io/v1alpha1
                kind: DestinationRule
                metadata: { name: shop, namespace: default }
                spec:
                  host: shop
                  trafficPolicy:
                    {{trafficPolicy}}
                """));
}
