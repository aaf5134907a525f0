using System.Net;
using System.Net.Http.Json;
using Mesh.Proxy.Tests.Fixtures;

namespace Mesh.Proxy.Tests.Clusters;

/// <summary>
/// connectionPool.http.maxConcurrentStreams, compiled from a DestinationRule by the operator and applied by the real
/// proxy: at most that many streams on each upstream HTTP/2 connection, further requests on further connections.
/// </summary>
public sealed class MaxConcurrentStreamsTrafficTests
{
    private const int Requests = 8;
    private static readonly TimeSpan HoldDeadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Max_concurrent_streams_spreads_concurrent_requests_over_connections_of_at_most_that_many_streams()
    {
        await using var backend = await StreamCountingBackend.StartAsync(Requests, HoldDeadline);
        await using var proxy = await StartAsync(backend.Port, "connectionPool: { http: { h2UpgradePolicy: UPGRADE, maxConcurrentStreams: 2 } }");

        var statuses = await SendConcurrentlyAsync(proxy);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.True(backend.AllHeldTogether, $"{Requests} requests were never in flight together");
        var peaks = backend.PeakStreams;
        Assert.All(peaks.Values, peak => Assert.InRange(peak, 1, 2));
        Assert.True(peaks.Count >= Requests / 2, $"{peaks.Count} connections for {Requests} concurrent requests at 2 streams each");
    }

    /// <summary>
    /// A server that sends its SETTINGS only after the client's SETTINGS frame: the proxy must send a whole client
    /// preface before it waits for the server's, or the connect stalls until its timeout (2 s here) and fails.
    /// </summary>
    [Fact]
    public async Task Max_concurrent_streams_holds_with_a_server_that_sends_its_settings_only_after_the_clients()
    {
        await using var server = LateSettingsHttp2Server.Start(Requests, HoldDeadline);
        await using var proxy = await StartAsync(server.Port, "connectionPool: { tcp: { connectTimeout: 2s }, http: { h2UpgradePolicy: UPGRADE, maxConcurrentStreams: 2 } }");

        var statuses = await SendConcurrentlyAsync(proxy);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Empty(server.Problems);
        Assert.True(server.AllHeldTogether, $"{Requests} requests were never in flight together");
        Assert.All(server.PeakStreams, peak => Assert.InRange(peak, 1, 2));
        Assert.True(server.PeakStreams.Count >= Requests / 2, $"{server.PeakStreams.Count} connections for {Requests} concurrent requests at 2 streams each");
    }

    [Fact]
    public async Task Without_max_concurrent_streams_the_upstream_limit_applies_and_one_connection_carries_all_streams()
    {
        await using var backend = await StreamCountingBackend.StartAsync(Requests, HoldDeadline);
        await using var proxy = await StartAsync(backend.Port, "connectionPool: { http: { h2UpgradePolicy: UPGRADE } }");

        var statuses = await SendConcurrentlyAsync(proxy);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.True(backend.AllHeldTogether, $"{Requests} requests were never in flight together");
        Assert.Equal(Requests, Assert.Single(backend.PeakStreams.Values));
    }

    [Fact]
    public async Task Max_concurrent_streams_leaves_http1_requests_of_a_use_client_protocol_cluster_alone()
    {
        await using var backend = await TestBackend.StartAsync("shop");
        await using var proxy = await StartAsync(backend.Port, "connectionPool: { http: { useClientProtocol: true, maxConcurrentStreams: 1 } }");

        using var first = await proxy.GetAsync("shop:9080");
        using var second = await proxy.GetAsync("shop:9080");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("HTTP/1.1", (await second.Content.ReadFromJsonAsync<BackendEcho>())!.Protocol);
        Assert.Single(backend.Received.Select(r => r.ConnectionId).Distinct());
    }

    private static async Task<HttpStatusCode[]> SendConcurrentlyAsync(ProxyUnderTest proxy) =>
        await Task.WhenAll(Enumerable.Range(0, Requests).Select(async _ =>
        {
            using var response = await proxy.GetAsync("shop:9080");
            return response.StatusCode;
        }));

    private static Task<ProxyUnderTest> StartAsync(int backendPort, string trafficPolicy) =>
        ProxyUnderTest.StartAsync(CompiledManifests.For(
            CompiledManifests.Service("shop", [("http", 9080)], [("shop", backendPort, "")]) + $$"""
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
