using Google.Protobuf;
using Grpc.Net.Client;
using Mesh.Api.Delta;
using Mesh.Api.V1;
using Mesh.Testing;

namespace Mesh.Operator.Tests.ConfigServer;

/// <summary>Negotiating and sending deltas on the config stream, over real h2c sockets with Grpc.Net.Client as the proxy.</summary>
public sealed class DeltaStreamTests : IAsyncLifetime
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
    public async Task After_a_whole_first_config_a_proxy_that_asks_gets_only_what_changed()
    {
        _host.PublishHashed(_ => Config(weight: 1));
        using var proxy = await FakeProxyStream.OpenAsync(_channel, Hello(acceptsDelta: true), ConfigStreamHost.Credentials("ns"));
        var first = await proxy.ReceiveAsync();
        Assert.Null(first.Delta);
        await proxy.AckAsync(first);

        _host.PublishHashed(_ => Config(weight: 2));
        var second = await proxy.ReceiveAsync();

        Assert.NotNull(second.Delta);
        Assert.Equal(first.VersionInfo, second.Delta.BaseVersion);
        Assert.Equal(["b.ns.svc.cluster.local"], second.Config.VirtualHosts.Select(v => v.Name));
        Assert.Empty(second.Config.Clusters);
        Assert.True(second.CalculateSize() < first.CalculateSize() / 2);
        var rebuilt = ProxyConfigDelta.Apply(first.Config, second.Config, second.Delta);
        Assert.Equal(Config(weight: 2).ToByteArray(), rebuilt.ToByteArray());
    }

    [Fact]
    public async Task A_proxy_that_does_not_ask_gets_whole_configs()
    {
        _host.PublishHashed(_ => Config(weight: 1));
        using var proxy = await FakeProxyStream.OpenAsync(_channel, Hello(acceptsDelta: false), ConfigStreamHost.Credentials("ns"));
        await proxy.AckAsync(await proxy.ReceiveAsync());

        _host.PublishHashed(_ => Config(weight: 2));
        var second = await proxy.ReceiveAsync();

        Assert.Null(second.Delta);
        Assert.Equal(Config(weight: 2), second.Config);
    }

    [Fact]
    public async Task A_nacked_delta_is_followed_at_once_by_the_whole_config_and_later_changes_are_deltas_again()
    {
        _host.PublishHashed(_ => Config(weight: 1));
        using var proxy = await FakeProxyStream.OpenAsync(_channel, Hello(acceptsDelta: true), ConfigStreamHost.Credentials("ns"));
        var first = await proxy.ReceiveAsync();
        await proxy.AckAsync(first);
        _host.PublishHashed(_ => Config(weight: 2));
        var delta = await proxy.ReceiveAsync();
        Assert.NotNull(delta.Delta);

        await proxy.NackAsync(delta, first.VersionInfo, "delta does not apply");
        var resent = await proxy.ReceiveAsync();

        Assert.Null(resent.Delta);
        Assert.Equal(delta.VersionInfo, resent.VersionInfo);
        Assert.Equal(Config(weight: 2), resent.Config);
        await proxy.AckAsync(resent);

        _host.PublishHashed(_ => Config(weight: 3));
        var next = await proxy.ReceiveAsync();
        Assert.NotNull(next.Delta);
        Assert.Equal(resent.VersionInfo, next.Delta.BaseVersion);
    }

    [Fact]
    public async Task A_nacked_whole_config_is_not_resent_and_the_next_change_comes_whole()
    {
        _host.PublishHashed(_ => Config(weight: 1));
        using var proxy = await FakeProxyStream.OpenAsync(_channel, Hello(acceptsDelta: true), ConfigStreamHost.Credentials("ns"));
        var first = await proxy.ReceiveAsync();
        await proxy.NackAsync(first, "", "rejected");
        await Eventually.AssertAsync(() => _host.Registry.Statuses().Single().LastNack is not null, "the NACK is recorded");

        _host.PublishHashed(_ => Config(weight: 2));
        var next = await proxy.ReceiveAsync();

        // Had the rejected config been resent, this would be it (weight 1).
        Assert.Null(next.Delta);
        Assert.Equal(Config(weight: 2), next.Config);
    }

    [Fact]
    public async Task A_proxy_reconnecting_mid_delta_gets_a_whole_config_first()
    {
        _host.PublishHashed(_ => Config(weight: 1));
        var hello = Hello(acceptsDelta: true);
        string version;
        using (var proxy = await FakeProxyStream.OpenAsync(_channel, hello, ConfigStreamHost.Credentials("ns")))
        {
            var first = await proxy.ReceiveAsync();
            await proxy.AckAsync(first);
            _host.PublishHashed(_ => Config(weight: 2));
            Assert.NotNull((await proxy.ReceiveAsync()).Delta);

            // Gone before answering the delta.
            version = first.VersionInfo;
        }

        hello.VersionInfo = version;
        using var again = await FakeProxyStream.OpenAsync(_channel, hello, ConfigStreamHost.Credentials("ns"));
        var response = await again.ReceiveAsync();

        Assert.Null(response.Delta);
        Assert.Equal(Config(weight: 2), response.Config);
    }

    private static ConfigRequest Hello(bool acceptsDelta) =>
        new() { Node = new Node { Id = "ns/proxy", Namespace = "ns", AcceptsDelta = acceptsDelta } };

    // Twenty services; the route weight of service "b" is what changes.
    private static ProxyConfig Config(uint weight)
    {
        var config = new ProxyConfig { TrustDomain = "cluster.local", Inbound = new InboundConfig { Services = { "a.ns.svc.cluster.local" } } };
        foreach (var name in Enumerable.Range(0, 20).Select(i => ((char)('a' + i)).ToString()))
        {
            var host = $"{name}.ns.svc.cluster.local";
            var cluster = $"outbound|80||{host}";
            config.VirtualHosts.Add(new VirtualHost
            {
                Name = host,
                Domains = { host, $"{name}.ns" },
                Routes =
                {
                    new Route
                    {
                        Name = "default",
                        Forward = new RouteForward { Destinations = { new WeightedDestination { Cluster = cluster, Weight = name == "b" ? weight : 100 } } },
                    },
                },
            });
            config.Clusters.Add(new Cluster { Name = cluster, ServiceHost = host, Port = 80, Endpoints = { new Endpoint { Address = "10.0.0.1", Port = 8080 } } });
        }

        return config;
    }
}
