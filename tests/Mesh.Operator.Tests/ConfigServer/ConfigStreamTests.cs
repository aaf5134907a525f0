using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Api.V1;
using Mesh.Testing;

namespace Mesh.Operator.Tests.ConfigServer;

/// <summary>The config stream's ADS semantics, over real h2c sockets with our gRPC client as the proxy.</summary>
public sealed class ConfigStreamTests : IAsyncLifetime
{
    private ConfigStreamHost _host = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _host = await ConfigStreamHost.StartAsync();
        _channel = GrpcChannel.ForAddress(_host.Address);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task First_response_carries_the_current_config_with_a_version_and_a_nonce()
    {
        _host.Publish(_ => ConfigStreamHost.Config("one"));
        using var proxy = await FakeProxyStream.OpenAsync(_channel, FakeProxyStream.Hello("default/a"), ConfigStreamHost.Credentials());

        var response = await proxy.ReceiveAsync();

        Assert.Equal("v-one", response.VersionInfo);
        Assert.False(string.IsNullOrEmpty(response.Nonce));
        Assert.Equal("one", response.Config.VirtualHosts[0].Name);
    }

    [Fact]
    public async Task A_proxy_connecting_before_the_first_compile_gets_its_config_when_it_is_published()
    {
        using var proxy = await FakeProxyStream.OpenAsync(_channel, FakeProxyStream.Hello("default/a"), ConfigStreamHost.Credentials());
        await Eventually.AssertAsync(() => _host.Registry.Count == 1, "the proxy registers");

        _host.Publish(_ => ConfigStreamHost.Config("late"));

        Assert.Equal("v-late", (await proxy.ReceiveAsync()).VersionInfo);
    }

    [Fact]
    public async Task Ack_records_the_acknowledged_version()
    {
        _host.Publish(_ => ConfigStreamHost.Config("one"));
        using var proxy = await FakeProxyStream.OpenAsync(_channel, FakeProxyStream.Hello("default/a"), ConfigStreamHost.Credentials());

        await proxy.AckAsync(await proxy.ReceiveAsync());

        await Eventually.AssertAsync(
            () => _host.Registry.Statuses().SingleOrDefault() is { AckedVersion: "v-one", AwaitingAnswer: false },
            "the ACK is recorded");
    }

    [Fact]
    public async Task Nack_records_the_error_and_keeps_the_last_acknowledged_version()
    {
        _host.Publish(_ => ConfigStreamHost.Config("good"));
        using var proxy = await FakeProxyStream.OpenAsync(_channel, FakeProxyStream.Hello("default/a"), ConfigStreamHost.Credentials());
        await proxy.AckAsync(await proxy.ReceiveAsync());
        await AckRecordedAsync("v-good");

        _host.Publish(_ => ConfigStreamHost.Config("bad"));
        var rejected = await proxy.ReceiveAsync();
        await proxy.NackAsync(rejected, "v-good", "route 0: unknown cluster");

        await Eventually.AssertAsync(
            () => _host.Registry.Statuses().SingleOrDefault() is { AckedVersion: "v-good", LastNack: { Version: "v-bad", Message: "route 0: unknown cluster" } },
            "the NACK is recorded with its reason and the acked version is unchanged");
    }

    [Fact]
    public async Task Stale_nonce_is_ignored_and_the_real_answer_still_counts()
    {
        _host.Publish(_ => ConfigStreamHost.Config("one"));
        using var proxy = await FakeProxyStream.OpenAsync(_channel, FakeProxyStream.Hello("default/a"), ConfigStreamHost.Credentials());
        var response = await proxy.ReceiveAsync();

        await proxy.SendAsync(new ConfigRequest { VersionInfo = "v-one", ResponseNonce = "not-a-nonce-we-sent" });
        await proxy.AckAsync(response);

        await Eventually.AssertAsync(
            () => _host.Registry.Statuses().SingleOrDefault() is { AckedVersion: "v-one", AwaitingAnswer: false },
            "the ACK with the right nonce is recorded after the stale one");
    }

    [Fact]
    public async Task Only_proxies_whose_config_changed_are_pushed()
    {
        _host.Publish(id => ConfigStreamHost.Config(id == "default/a" ? "a1" : "b1"));
        using var a = await FakeProxyStream.OpenAsync(_channel, FakeProxyStream.Hello("default/a"), ConfigStreamHost.Credentials());
        using var b = await FakeProxyStream.OpenAsync(_channel, FakeProxyStream.Hello("default/b"), ConfigStreamHost.Credentials());
        await a.AckAsync(await a.ReceiveAsync());
        await b.AckAsync(await b.ReceiveAsync());

        // Generation 2 changes only a; generation 3 changes b. If b had been pushed generation 2 (an unchanged
        // config) its next response would carry b1 again instead of b3.
        _host.Publish(id => ConfigStreamHost.Config(id == "default/a" ? "a2" : "b1"));
        Assert.Equal("v-a2", (await a.ReceiveAsync()).VersionInfo);
        _host.Publish(id => ConfigStreamHost.Config(id == "default/a" ? "a2" : "b3"));

        Assert.Equal("v-b3", (await b.ReceiveAsync()).VersionInfo);
    }

    [Fact]
    public async Task First_request_without_a_node_id_is_rejected_with_invalid_argument()
    {
        using var proxy = await FakeProxyStream.OpenAsync(_channel, new ConfigRequest(), ConfigStreamHost.Credentials());

        var failure = await proxy.ReadUntilFailureAsync();

        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        Assert.Contains("node.id", failure.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_on_one_stream_ends_it_with_internal_and_others_keep_streaming()
    {
        _host.Publish(_ => ConfigStreamHost.Config("one"));
        using var healthy = await FakeProxyStream.OpenAsync(_channel, FakeProxyStream.Hello("default/healthy"), ConfigStreamHost.Credentials());
        await healthy.AckAsync(await healthy.ReceiveAsync());

        // A length prefix promising 64 bytes followed by 3 bytes of garbage and the end of the stream.
        using var http = new HttpClient(new SocketsHttpHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_host.Address, "/mesh.v1.ConfigDiscovery/StreamConfig"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 64, 0xde, 0xad, 0xbe]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var entry in ConfigStreamHost.Credentials())
        {
            request.Headers.TryAddWithoutValidation(entry.Key, entry.Value);
        }

        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(((int)StatusCode.Internal).ToString(System.Globalization.CultureInfo.InvariantCulture), GrpcStatusOf(response));

        _host.Publish(_ => ConfigStreamHost.Config("two"));
        Assert.Equal("v-two", (await healthy.ReceiveAsync()).VersionInfo);
    }

    [Fact]
    public async Task A_proxy_that_stops_reading_is_disconnected_and_the_others_keep_receiving()
    {
        await using var host = await ConfigStreamHost.StartAsync(options => options.WriteTimeout = TimeSpan.FromSeconds(1));
        using var channel = GrpcChannel.ForAddress(host.Address);
        using var stalled = await FakeProxyStream.OpenAsync(channel, FakeProxyStream.Hello("default/stalled"), ConfigStreamHost.Credentials());
        using var reader = await FakeProxyStream.OpenAsync(channel, FakeProxyStream.Hello("default/reader"), ConfigStreamHost.Credentials());
        await Eventually.AssertAsync(() => host.Registry.Count == 2, "both proxies register");

        // Large configs fill HTTP/2 flow-control windows quickly; the stalled proxy never reads, so a write to it
        // outlasts WriteTimeout and the server drops it. The reader answers every response and keeps getting them.
        var big = new string('x', 256 * 1024);
        for (var i = 0; i < 64 && host.Registry.Count == 2; i++)
        {
            var marker = $"{i}-{big}";
            host.Publish(_ => ConfigStreamHost.Config(marker));
            var received = await reader.ReceiveAsync();
            await reader.AckAsync(received);
        }

        await Eventually.AssertAsync(() => host.Registry.Count == 1, "the stalled proxy is disconnected");
        Assert.Equal("default/reader", host.Registry.Statuses().Single().Id);
        host.Publish(_ => ConfigStreamHost.Config("after"));
        Assert.Equal("v-after", (await reader.ReceiveAsync()).VersionInfo);
    }

    [Fact]
    public async Task A_proxy_that_reads_slowly_holds_only_the_newest_config_and_gets_it_next_not_the_backlog()
    {
        await using var host = await ConfigStreamHost.StartAsync(options => options.SendQueueCapacity = 2);
        using var channel = GrpcChannel.ForAddress(host.Address);
        using var slow = await FakeProxyStream.OpenAsync(channel, FakeProxyStream.Hello("default/slow"), ConfigStreamHost.Credentials());
        await Eventually.AssertAsync(() => host.Registry.Count == 1, "the proxy registers");

        // 512 KiB configs: the first fills the HTTP/2 windows and its write waits; each later one replaces the one
        // waiting behind it, so the queue never holds more than one and never overflows its two places. The bytes
        // may count one more: a config the sender has taken off the queue and is about to write.
        var big = new string('x', 512 * 1024);
        for (var i = 0; i < 20; i++)
        {
            var marker = $"{i:D2}-{big}";
            host.Publish(_ => ConfigStreamHost.Config(marker));
            var connection = host.Registry.Connections.Single();
            Assert.InRange(connection.Pending.Count, 0, 1);
            Assert.InRange(connection.QueuedBytes, 0, 2 * 530 * 1024);
        }

        var received = new List<string>();
        while (received.Count == 0 || !received[^1].StartsWith("v-19", StringComparison.Ordinal))
        {
            var response = await slow.ReceiveAsync();
            received.Add(response.VersionInfo);
            await slow.AckAsync(response);
        }

        Assert.InRange(received.Count, 1, 3);
        Assert.Equal(1, host.Registry.Count);
    }

    // An ACK that reaches the server after a newer response was sent answers a stale nonce and is ignored, as in
    // xDS; tests that depend on an ACK wait for it before publishing again.
    private Task AckRecordedAsync(string version) => Eventually.AssertAsync(
        () => _host.Registry.Statuses().SingleOrDefault()?.AckedVersion == version,
        $"the ACK of {version} is recorded");

    private static string? GrpcStatusOf(HttpResponseMessage response) =>
        response.TrailingHeaders.TryGetValues("grpc-status", out var trailer) ? trailer.Single()
        : response.Headers.TryGetValues("grpc-status", out var header) ? header.Single()
        : null;
}
