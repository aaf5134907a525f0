using System.Net;
using System.Net.Sockets;
using System.Text;
using Mesh.Proxy.Tcp;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Proxy.Tests.Tcp;

/// <summary>
/// VirtualService tcp routes through the real proxy: manifests compiled by the real compiler, the real outbound
/// listener reached by CONNECT tunnels (local mode's way to address a service port), real TCP echo backends.
/// </summary>
public sealed class TcpRoutingTests : IAsyncLifetime
{
    private const string Subsets = """
        ---
        apiVersion: mesh.io/v1alpha1
        kind: DestinationRule
        metadata: { name: echo, namespace: default }
        spec:
          host: echo
          subsets:
          - { name: v1, labels: { version: v1 } }
          - { name: v2, labels: { version: v2 } }

        """;

    private TcpEchoBackend _v1 = null!;
    private TcpEchoBackend _v2 = null!;

    public Task InitializeAsync()
    {
        _v1 = TcpEchoBackend.Start("echo-v1");
        _v2 = TcpEchoBackend.Start("echo-v2");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _v1.DisposeAsync();
        await _v2.DisposeAsync();
    }

    [Fact]
    public async Task Connections_split_by_weight_between_subsets()
    {
        await using var proxy = await ProxyUnderTest.StartAsync(CompiledManifests.For(Echo() + Subsets + VirtualService("""
            - route:
              - { destination: { host: echo, subset: v1 }, weight: 80 }
              - { destination: { host: echo, subset: v2 }, weight: 20 }
            """)));

        // 400 connections: the v1 share's standard deviation is sqrt(0.8 × 0.2 / 400) = 0.02; the tolerance is 3σ.
        const int connections = 400;
        var v1 = 0;
        for (var i = 0; i < connections; i++)
        {
            v1 += await ServedByAsync(proxy, "echo:9000") == "echo-v1" ? 1 : 0;
        }

        Assert.InRange(v1 / (double)connections, 0.74, 0.86);
    }

    [Fact]
    public async Task A_match_on_port_routes_only_that_port()
    {
        await using var proxy = await ProxyUnderTest.StartAsync(CompiledManifests.For(Echo(("tcp-alt", 9001)) + Subsets + VirtualService("""
            - match: [{ port: 9001 }]
              route: [{ destination: { host: echo, subset: v2, port: { number: 9001 } } }]
            - route: [{ destination: { host: echo, subset: v1, port: { number: 9000 } } }]
            """)));

        Assert.Equal("echo-v1", await ServedByAsync(proxy, "echo.default.svc.cluster.local:9000"));
        Assert.Equal("echo-v2", await ServedByAsync(proxy, "echo.default.svc.cluster.local:9001"));
    }

    [Fact]
    public async Task A_match_on_source_labels_applies_only_to_the_selected_workloads_proxies()
    {
        var manifests = Echo() + Subsets + VirtualService("""
            - match: [{ sourceLabels: { app: canary-client } }]
              route: [{ destination: { host: echo, subset: v2 } }]
            - route: [{ destination: { host: echo, subset: v1 } }]
            """);
        await using var canary = await ProxyUnderTest.StartAsync(CompiledManifests.For(manifests, "default/canary", new Dictionary<string, string> { ["app"] = "canary-client" }));
        await using var other = await ProxyUnderTest.StartAsync(CompiledManifests.For(manifests, "default/other", new Dictionary<string, string> { ["app"] = "other" }));

        Assert.Equal("echo-v2", await ServedByAsync(canary, "echo:9000"));
        Assert.Equal("echo-v1", await ServedByAsync(other, "echo:9000"));
    }

    [Fact]
    public async Task A_client_that_half_closes_gets_every_echoed_byte_and_then_the_end()
    {
        await using var proxy = await ProxyUnderTest.StartAsync(CompiledManifests.For(Echo([_v1])));
        using var socket = await TcpTunnel.OpenOkAsync(proxy.OutboundPort, "echo:9000");
        await using var stream = new NetworkStream(socket);
        var payload = new byte[256 * 1024];
        Random.Shared.NextBytes(payload);

        var reading = TcpTunnel.ReadToEndAsync(stream, TimeSpan.FromSeconds(30));
        await stream.WriteAsync(payload);
        socket.Shutdown(SocketShutdown.Send);
        var received = await reading;

        var greeting = Encoding.ASCII.GetBytes("echo-v1\n");
        Assert.Equal(greeting.Length + payload.Length, received.Length);
        Assert.True(received.AsSpan(greeting.Length).SequenceEqual(payload), "the echo differs from what was sent");
    }

    [Fact]
    public async Task A_refused_upstream_answers_502_and_counts_a_connect_failure()
    {
        var refused = CompiledManifests.Service("echo", [("tcp-echo", 9000)], [("echo-down", CompiledManifests.UnusedPort(), "")]);
        await using var proxy = await ProxyUnderTest.StartAsync(CompiledManifests.For(refused));

        var (status, socket) = await TcpTunnel.OpenAsync(proxy.OutboundPort, "echo:9000");

        Assert.Equal(502, status);
        Assert.Null(socket);
        var metrics = await proxy.Admin.GetStringAsync("/stats/prometheus");
        Assert.Contains("mesh_tcp_connections_failed_total{direction=\"outbound\"", metrics, StringComparison.Ordinal);
        Assert.Contains("reason=\"connect_failure\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxConnections_refuses_a_connection_over_the_limit_until_one_closes()
    {
        await using var proxy = await ProxyUnderTest.StartAsync(CompiledManifests.For(Echo([_v1]) + """
            ---
            apiVersion: mesh.io/v1alpha1
            kind: DestinationRule
            metadata: { name: echo, namespace: default }
            spec:
              host: echo
              trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 } } }

            """));
        var first = await TcpTunnel.OpenOkAsync(proxy.OutboundPort, "echo:9000");

        Assert.Equal(503, (await TcpTunnel.OpenAsync(proxy.OutboundPort, "echo:9000")).Status);

        first.Dispose();
        await Eventually.AssertAsync(
            async () =>
            {
                var (status, socket) = await TcpTunnel.OpenAsync(proxy.OutboundPort, "echo:9000");
                socket?.Dispose();
                return status == 200;
            },
            "a connection is admitted once the proxy saw the first one close");
    }

    [Fact]
    public async Task An_idle_connection_is_closed_after_the_idle_timeout()
    {
        await using var proxy = await ProxyUnderTest.StartAsync(
            CompiledManifests.For(Echo([_v1])),
            services: s => s.AddSingleton(new TcpProxyOptions { IdleTimeout = TimeSpan.FromMilliseconds(300) }));
        using var socket = await TcpTunnel.OpenOkAsync(proxy.OutboundPort, "echo:9000");
        await using var stream = new NetworkStream(socket);

        // The greeting, then nothing: the proxy must end the connection well before the deadline.
        var received = await TcpTunnel.ReadToEndAsync(stream, TimeSpan.FromSeconds(20));

        Assert.Equal("echo-v1\n", Encoding.ASCII.GetString(received));
    }

    [Fact]
    public async Task A_destination_rules_tcp_idleTimeout_closes_an_idle_connection_at_both_ends()
    {
        // The proxy's own idle timeout stays at its default (1 hour): only the DestinationRule's can close it.
        await using var proxy = await ProxyUnderTest.StartAsync(CompiledManifests.For(Echo([_v1]) + """
            ---
            apiVersion: mesh.io/v1alpha1
            kind: DestinationRule
            metadata: { name: echo, namespace: default }
            spec:
              host: echo
              trafficPolicy: { connectionPool: { tcp: { idleTimeout: 300ms } } }

            """));
        using var socket = await TcpTunnel.OpenOkAsync(proxy.OutboundPort, "echo:9000");
        await using var stream = new NetworkStream(socket);

        var received = await TcpTunnel.ReadToEndAsync(stream, TimeSpan.FromSeconds(20));

        Assert.Equal("echo-v1\n", Encoding.ASCII.GetString(received));
        await Eventually.AssertAsync(() => Task.FromResult(_v1.Closed == 1), "the backend sees its connection closed by the proxy");
        Assert.Equal(1, _v1.Connections);
    }

    [Fact]
    public async Task Http_routes_on_other_services_are_unaffected_by_l4_listeners()
    {
        await using var http = await TestBackend.StartAsync("reviews");
        var manifests = Echo([_v1]) + "---\n" + CompiledManifests.Service("reviews", [("http", 9080)], [(http, "")]);
        await using var proxy = await ProxyUnderTest.StartAsync(CompiledManifests.For(manifests));

        using var response = await proxy.GetAsync("reviews:9080", "/ping");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("reviews", response.Headers.GetValues("x-backend").Single());
        Assert.Equal("echo-v1", await ServedByAsync(proxy, "echo:9000"));
        Assert.Equal(404, (await TcpTunnel.OpenAsync(proxy.OutboundPort, "reviews:9080")).Status);
    }

    private static string VirtualService(string tcpRules) => $$"""
        ---
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: { name: echo, namespace: default }
        spec:
          hosts: [echo]
          tcp:
        {{Indent(tcpRules, "  ")}}

        """;

    private static string Indent(string text, string by) => string.Join("\n", text.Split('\n').Select(l => by + l));

    private static async Task<string> ServedByAsync(ProxyUnderTest proxy, string authority)
    {
        using var socket = await TcpTunnel.OpenOkAsync(proxy.OutboundPort, authority);
        await using var stream = new NetworkStream(socket);
        return await TcpTunnel.ReadLineAsync(stream).WithTimeout("the backend's greeting");
    }

    private string Echo(params (string Name, int Port)[] extraPorts) => Echo([_v1, _v2], extraPorts);

    private static string Echo(TcpEchoBackend[] backends, params (string Name, int Port)[] extraPorts) =>
        CompiledManifests.Service(
            "echo",
            [("tcp-echo", 9000), .. extraPorts],
            backends.Select(b => (b.Name, b.Port, $", version: {b.Name[(b.Name.LastIndexOf('-') + 1)..]}")));
}
