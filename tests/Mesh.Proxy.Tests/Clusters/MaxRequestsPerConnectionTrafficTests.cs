using System.Net;
using System.Net.Http.Json;
using Mesh.Proxy.Tests.Fixtures;

namespace Mesh.Proxy.Tests.Clusters;

/// <summary>
/// connectionPool.http.maxRequestsPerConnection, compiled from a DestinationRule by the operator and applied by the
/// real proxy: with 1 every request has an upstream connection of its own (HTTP/1.1, where the upstream is also told to
/// close it, and HTTP/2); unset, connections are reused. Against Kestrel, Node's http and http2 servers and a server
/// that ignores Connection: close.
/// </summary>
public sealed class MaxRequestsPerConnectionTrafficTests
{
    private const int Requests = 30;
    private const int Http2Requests = 8;
    private static readonly TimeSpan HoldDeadline = TimeSpan.FromSeconds(20);
    private const string OnePerConnection = "connectionPool: { http: { maxRequestsPerConnection: 1 } }";
    private const string Unset = "connectionPool: { tcp: { connectTimeout: 5s } }";

    [Fact]
    public async Task One_request_per_connection_gives_each_sequential_request_its_own_connection_and_asks_kestrel_to_close_it()
    {
        await using var backend = await TestBackend.StartAsync("shop");
        await using var proxy = await StartAsync(backend.Port, OnePerConnection);

        for (var i = 0; i < Requests; i++)
        {
            using var response = await proxy.GetAsync("shop:9080", $"/{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(Requests, backend.Received.Select(r => r.ConnectionId).Distinct().Count());
        Assert.All(backend.Received, r => Assert.Equal("close", r.Headers.GetValueOrDefault("connection")));
    }

    [Fact]
    public async Task One_request_per_connection_gives_each_concurrent_post_its_own_connection_and_loses_no_body()
    {
        await using var backend = await TestBackend.StartAsync("shop");
        await using var proxy = await StartAsync(backend.Port, OnePerConnection);

        var bodies = await Task.WhenAll(Enumerable.Range(0, Requests).Select(async i =>
        {
            using var response = await proxy.SendAsync(HttpMethod.Post, "shop:9080", "/", r => r.Content = new StringContent($"body {i}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<BackendEcho>())!.Body;
        }));

        Assert.Equal(Enumerable.Range(0, Requests).Select(i => $"body {i}"), bodies);
        Assert.Equal(Requests, backend.Received.Select(r => r.ConnectionId).Distinct().Count());
    }

    [Fact]
    public async Task Without_the_field_sequential_requests_reuse_one_kestrel_connection_that_is_not_asked_to_close()
    {
        await using var backend = await TestBackend.StartAsync("shop");
        await using var proxy = await StartAsync(backend.Port, Unset);

        for (var i = 0; i < Requests; i++)
        {
            using var response = await proxy.GetAsync("shop:9080", $"/{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Single(backend.Received.Select(r => r.ConnectionId).Distinct());
        Assert.DoesNotContain(backend.Received, r => r.Headers.ContainsKey("connection"));
    }

    /// <summary>The proxy does not rely on the upstream to close: it never reuses the connection itself.</summary>
    [Fact]
    public async Task One_request_per_connection_holds_against_a_server_that_keeps_every_connection_open()
    {
        await using var server = new KeepOpenHttp1Server();
        await using var proxy = await StartAsync(server.Port, OnePerConnection);

        for (var i = 0; i < Requests; i++)
        {
            using var response = await proxy.GetAsync("shop:9080", $"/{i}");
            Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(Requests, server.RequestsPerConnection.Count);
        Assert.All(server.RequestsPerConnection.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task Against_nodes_http_server_each_sequential_and_concurrent_request_has_a_connection_of_its_own()
    {
        await using var server = await NodeRequestCountingServer.StartAsync();
        await using var proxy = await StartAsync(server.Port, OnePerConnection);

        for (var i = 0; i < Requests; i++)
        {
            using var response = await proxy.GetAsync("shop:9080", $"/{i}");
            Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        }

        var concurrent = await Task.WhenAll(Enumerable.Range(0, Requests).Select(async i =>
        {
            using var response = await proxy.SendAsync(HttpMethod.Post, "shop:9080", "/", r => r.Content = new StringContent($"body {i}"));
            return await response.Content.ReadAsStringAsync();
        }));

        Assert.All(concurrent, body => Assert.Equal("ok", body));
        var counts = await server.ReportAsync();
        Assert.Equal(2 * Requests, counts.PerConnection.Count);
        Assert.All(counts.PerConnection, count => Assert.Equal(1, count));
        Assert.Equal(2 * Requests, counts.AskedToClose);
    }

    [Fact]
    public async Task Without_the_field_nodes_http_server_sees_sequential_requests_on_one_connection()
    {
        await using var server = await NodeRequestCountingServer.StartAsync();
        await using var proxy = await StartAsync(server.Port, Unset);

        for (var i = 0; i < Requests; i++)
        {
            using var response = await proxy.GetAsync("shop:9080", $"/{i}");
            Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        }

        var counts = await server.ReportAsync();
        Assert.Equal([Requests], counts.PerConnection);
        Assert.Equal(0, counts.AskedToClose);
    }

    /// <summary>8 concurrent requests held until all have arrived, then 8 sequential ones: 16 connections of one stream each.</summary>
    [Fact]
    public async Task Over_http2_to_kestrel_each_concurrent_and_sequential_request_has_a_connection_of_its_own()
    {
        await using var backend = await StreamCountingBackend.StartAsync(Http2Requests, HoldDeadline);
        await using var proxy = await StartAsync(backend.Port, "connectionPool: { http: { h2UpgradePolicy: UPGRADE, maxRequestsPerConnection: 1 } }");

        await SendHttp2BatchesAsync(proxy);

        Assert.True(backend.AllHeldTogether, $"{Http2Requests} requests were never in flight together");

        // Each connection carried at least one request, so as many connections as requests means one each.
        Assert.Equal(2 * Http2Requests, backend.PeakStreams.Count);
        Assert.All(backend.PeakStreams.Values, peak => Assert.Equal(1, peak));
    }

    [Fact]
    public async Task Over_http2_to_nodes_http2_server_each_concurrent_and_sequential_request_has_a_connection_of_its_own()
    {
        await using var server = await NodeStreamCountingServer.StartHttp2Async(Http2Requests, HoldDeadline);
        await using var proxy = await StartAsync(server.Port, "connectionPool: { http: { h2UpgradePolicy: UPGRADE, maxRequestsPerConnection: 1, maxConcurrentStreams: 4 } }");

        await SendHttp2BatchesAsync(proxy);

        var counts = await server.ReportAsync();
        Assert.True(counts.AllHeldTogether, $"{counts.Arrived} of {Http2Requests} requests were in flight together");
        Assert.Equal(2 * Http2Requests, counts.PeakStreams.Count);
        Assert.All(counts.PeakStreams, peak => Assert.Equal(1, peak));
    }

    [Fact]
    public async Task Without_the_field_http2_requests_share_one_connection()
    {
        await using var backend = await StreamCountingBackend.StartAsync(Http2Requests, HoldDeadline);
        await using var proxy = await StartAsync(backend.Port, "connectionPool: { http: { h2UpgradePolicy: UPGRADE } }");

        await SendHttp2BatchesAsync(proxy);

        Assert.True(backend.AllHeldTogether, $"{Http2Requests} requests were never in flight together");
        Assert.Equal(Http2Requests, Assert.Single(backend.PeakStreams.Values));
    }

    private static async Task SendHttp2BatchesAsync(ProxyUnderTest proxy)
    {
        var statuses = await Task.WhenAll(Enumerable.Range(0, Http2Requests).Select(async _ =>
        {
            using var response = await proxy.GetAsync("shop:9080");
            return response.StatusCode;
        }));
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));

        for (var i = 0; i < Http2Requests; i++)
        {
            using var response = await proxy.GetAsync("shop:9080");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

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
