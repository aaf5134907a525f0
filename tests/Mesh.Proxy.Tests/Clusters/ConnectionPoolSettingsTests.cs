using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Mesh.Api.V1;
using Mesh.Proxy.Clusters;
using Mesh.Proxy.Tests.Fixtures;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Eventually = Mesh.Testing.Eventually;

namespace Mesh.Proxy.Tests.Clusters;

/// <summary>
/// connectionPool's upstream protocol and connection settings, compiled from a DestinationRule by the operator and
/// applied by the real proxy to real connections.
/// </summary>
public sealed class ConnectionPoolSettingsTests
{
    [Fact]
    public async Task H2_upgrade_speaks_http2_to_an_upstream_whose_port_is_plain_http()
    {
        await using var backend = await TestBackend.StartAsync("h2-only", HttpProtocols.Http2);
        await using var proxy = await StartAsync(backend, "connectionPool: { http: { h2UpgradePolicy: UPGRADE } }");

        using var response = await proxy.GetAsync("shop:9080");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("HTTP/2", (await response.Content.ReadFromJsonAsync<BackendEcho>())!.Protocol);
    }

    [Fact]
    public async Task Use_client_protocol_sends_an_http2_request_upstream_as_http2()
    {
        await using var backend = await TestBackend.StartAsync("h2-only", HttpProtocols.Http2);
        await using var proxy = await StartAsync(backend, "connectionPool: { http: { useClientProtocol: true } }");

        using var http2 = await proxy.GetAsync("shop:9080", "/", r =>
        {
            r.Version = HttpVersion.Version20;
            r.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        });
        using var http1 = await proxy.GetAsync("shop:9080");

        Assert.Equal("HTTP/2", (await http2.Content.ReadFromJsonAsync<BackendEcho>())!.Protocol);

        // The HTTP/1.1 request goes upstream as HTTP/1.1, which this HTTP/2-only backend cannot answer.
        Assert.NotEqual(HttpStatusCode.OK, http1.StatusCode);
    }

    [Fact]
    public async Task Max_connection_duration_moves_requests_to_a_new_connection_once_the_old_one_is_that_old()
    {
        await using var backend = await TestBackend.StartAsync("shop");
        await using var proxy = await StartAsync(backend, "connectionPool: { tcp: { maxConnectionDuration: 200ms } }");

        await Eventually.AssertAsync(
            async () =>
            {
                (await proxy.GetAsync("shop:9080")).Dispose();
                return backend.Received.Select(r => r.ConnectionId).Distinct().Count() > 1;
            },
            "sequential requests get a second upstream connection after 200ms",
            TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Without_max_connection_duration_sequential_requests_share_one_connection()
    {
        await using var backend = await TestBackend.StartAsync("shop");
        await using var proxy = await StartAsync(backend, "connectionPool: { tcp: { maxConnections: 10 } }");

        for (var i = 0; i < 5; i++)
        {
            (await proxy.GetAsync("shop:9080")).Dispose();
        }

        Assert.Single(backend.Received.Select(r => r.ConnectionId).Distinct());
    }

    [Fact]
    public async Task Tcp_keepalive_reaches_the_cluster_config_and_traffic_still_flows()
    {
        await using var backend = await TestBackend.StartAsync("shop");
        var yaml = Manifests(backend, "connectionPool: { tcp: { tcpKeepalive: { time: 30s, interval: 1500ms, probes: 4 } } }");
        var config = CompiledManifests.For(yaml);
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        using var response = await proxy.GetAsync("shop:9080");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new UpstreamKeepalive(4, 30, 2), UpstreamKeepalive.From(config.Clusters.Single(c => c.Port == 9080).ConnectionPool.TcpKeepalive));
    }

    [Fact]
    public async Task Tcp_keepalive_sets_the_socket_options_of_an_upstream_connection()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);

        new UpstreamKeepalive(4, 30, 2).Apply(socket);
        await socket.ConnectAsync((IPEndPoint)listener.LocalEndpoint);

        Assert.Equal(1, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.Equal(30, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!);
        Assert.Equal(2, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval)!);
        Assert.Equal(4, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount)!);
    }

    private static Task<ProxyUnderTest> StartAsync(TestBackend backend, string trafficPolicy) =>
        ProxyUnderTest.StartAsync(CompiledManifests.For(Manifests(backend, trafficPolicy)));

    private static string Manifests(TestBackend backend, string trafficPolicy) =>
        CompiledManifests.Service("shop", [("http", 9080)], [(backend, "")]) + $$"""
            ---
            apiVersion: mesh.io/v1alpha1
            kind: DestinationRule
            metadata: { name: shop, namespace: default }
            spec:
              host: shop
              trafficPolicy:
                {{trafficPolicy}}
            """;
}
