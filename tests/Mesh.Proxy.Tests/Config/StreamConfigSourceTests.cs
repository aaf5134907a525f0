using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Grpc.Core;
using Mesh.Api.V1;
using Mesh.Proxy.Config;
using Mesh.Proxy.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Eventually = Mesh.Testing.Eventually;

namespace Mesh.Proxy.Tests.Config;

/// <summary>
/// The proxy's side of the config stream against a scripted server on Grpc.AspNetCore: what it announces, how it
/// ACKs and NACKs, and that a rejected config leaves the last good one serving.
/// </summary>
public sealed class StreamConfigSourceTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<ConfigRequest> _requests = new();
    private readonly ConcurrentQueue<string?> _authorizations = new();
    private readonly Channel<ConfigResponse> _toSend = Channel.CreateUnbounded<ConfigResponse>();
    private WebApplication _server = null!;
    private Uri _address = null!;
    private TestBackend _backend = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync("reviews-v1");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new ScriptedServer(ServeAsync));
        _server = builder.Build();
        _server.MapGrpcService<ScriptedServer>();
        await _server.StartAsync();
        _address = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    public async Task DisposeAsync()
    {
        _toSend.Writer.TryComplete();
        await _server.StopAsync();
        await _server.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task Announces_its_node_then_acks_a_good_config_with_its_version_and_nonce()
    {
        await using var proxy = await StartProxyAsync();
        _toSend.Writer.TryWrite(Response("v1", "n1", ConfigFactory.Simple(_backend)));

        await Eventually.AssertAsync(() => _requests.Count >= 2, "the proxy sends its hello and an answer");

        var hello = _requests.ElementAt(0);
        Assert.Equal("default/productpage-1", hello.Node.Id);
        Assert.Equal("default", hello.Node.Namespace);
        Assert.Equal("productpage", hello.Node.Labels["app"]);
        Assert.Equal("bookinfo", hello.Node.ServiceAccount);
        var ack = _requests.ElementAt(1);
        Assert.Equal(("v1", "n1"), (ack.VersionInfo, ack.ResponseNonce));
        Assert.Null(ack.ErrorDetail);
        using var response = await proxy.GetAsync("reviews:9080");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Nacks_an_invalid_config_with_the_reason_and_keeps_serving_the_last_good_one()
    {
        await using var proxy = await StartProxyAsync();
        _toSend.Writer.TryWrite(Response("v1", "n1", ConfigFactory.Simple(_backend)));
        var broken = ConfigFactory.Simple(_backend);
        broken.VirtualHosts[0].Routes[0].Forward.Destinations[0].Cluster = "outbound|9080||nowhere";
        _toSend.Writer.TryWrite(Response("v2", "n2", broken));

        await Eventually.AssertAsync(() => _requests.Count >= 3, "the proxy answers both responses");

        var nack = _requests.ElementAt(2);
        Assert.Equal(("v1", "n2"), (nack.VersionInfo, nack.ResponseNonce));
        Assert.NotNull(nack.ErrorDetail);
        Assert.Contains("nowhere", nack.ErrorDetail.Message, StringComparison.Ordinal);
        Assert.Equal("v1", proxy.Applier.CurrentVersion);
        using var response = await proxy.GetAsync("reviews:9080");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Reconnects_after_the_stream_breaks_and_announces_the_version_it_serves()
    {
        await using var proxy = await StartProxyAsync();
        _toSend.Writer.TryWrite(Response("v1", "n1", ConfigFactory.Simple(_backend)));
        await Eventually.AssertAsync(() => _requests.Count >= 2, "the first config is acknowledged");

        // An empty response tells the scripted server to end the call with UNAVAILABLE.
        _toSend.Writer.TryWrite(new ConfigResponse());

        await Eventually.AssertAsync(() => _requests.Count(r => r.Node is not null) >= 2, "the proxy opens a second stream");
        var secondHello = _requests.Last(r => r.Node is not null);
        Assert.Equal("v1", secondHello.VersionInfo);
        using var response = await proxy.GetAsync("reviews:9080");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Cancelling_a_call_on_the_discovery_channel_surfaces_as_OperationCanceledException()
    {
        using var channel = DiscoveryChannel.Create(_address, maxReceiveMessageSize: 1024 * 1024);
        using var cancel = new CancellationTokenSource();
        using var call = new ConfigDiscovery.ConfigDiscoveryClient(channel).StreamConfig(cancellationToken: cancel.Token);
        await call.RequestStream.WriteAsync(new ConfigRequest { Node = new Node { Id = "default/productpage-1" } });
        await Eventually.AssertAsync(() => !_requests.IsEmpty, "the call reaches the server");
        var reading = call.ResponseStream.MoveNext(CancellationToken.None);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
    }

    [Fact]
    public async Task Every_stream_presents_the_token_read_afresh_so_a_reconnect_sends_the_rotated_one()
    {
        var tokenFile = Path.Combine(Path.GetTempPath(), "mesh-sa-token-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(tokenFile, "token-1\n");
        try
        {
            await using var proxy = await StartProxyAsync(options => (options.BootstrapToken, options.TokenFile) = (null, tokenFile));
            _toSend.Writer.TryWrite(Response("v1", "n1", ConfigFactory.Simple(_backend)));
            await Eventually.AssertAsync(() => _requests.Count >= 2, "the first config is acknowledged");
            Assert.Equal(["Bearer token-1"], _authorizations);

            // The kubelet rotates the projected token; the next stream, after a disconnect, must carry the new one.
            await File.WriteAllTextAsync(tokenFile, "token-2\n");
            _toSend.Writer.TryWrite(new ConfigResponse());

            await Eventually.AssertAsync(() => _authorizations.Count >= 2, "the proxy opens a second stream");
            Assert.Equal(["Bearer token-1", "Bearer token-2"], _authorizations);
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    private Task<ProxyUnderTest> StartProxyAsync(Action<Mesh.Proxy.Hosting.ProxyOptions>? configure = null) => ProxyUnderTest.StartAsync(configure: options =>
    {
        options.BootstrapToken = "scripted-server-token";
        configure?.Invoke(options);
        options.DiscoveryAddress = _address;
        options.NodeId = "default/productpage-1";
        options.Labels = new Dictionary<string, string> { ["app"] = "productpage" };
        options.ServiceAccount = "bookinfo";
    });

    private static ConfigResponse Response(string version, string nonce, ProxyConfig config) =>
        new() { VersionInfo = version, Nonce = nonce, Config = config };

    private async Task ServeAsync(IAsyncStreamReader<ConfigRequest> requests, IServerStreamWriter<ConfigResponse> responses, ServerCallContext context)
    {
        _authorizations.Enqueue(context.RequestHeaders.GetValue("authorization"));
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var reading = Task.Run(async () =>
        {
            while (await requests.MoveNext(stopReading.Token))
            {
                _requests.Enqueue(requests.Current);
            }
        });

        try
        {
            await foreach (var response in _toSend.Reader.ReadAllAsync(context.CancellationToken))
            {
                if (response.VersionInfo.Length == 0)
                {
                    throw new RpcException(new Status(StatusCode.Unavailable, "scripted disconnect"));
                }

                await responses.WriteAsync(response, context.CancellationToken);
            }
        }
        finally
        {
            // The reader must not outlive the call.
            await stopReading.CancelAsync();
            await reading.ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    private sealed class ScriptedServer(Func<IAsyncStreamReader<ConfigRequest>, IServerStreamWriter<ConfigResponse>, ServerCallContext, Task> serve)
        : ConfigDiscovery.ConfigDiscoveryBase
    {
        public override Task StreamConfig(IAsyncStreamReader<ConfigRequest> requestStream, IServerStreamWriter<ConfigResponse> responseStream, ServerCallContext context) =>
            serve(requestStream, responseStream, context);
    }
}
