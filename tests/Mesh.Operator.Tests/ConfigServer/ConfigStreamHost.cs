using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Mesh.Api.V1;
using Mesh.Operator.ConfigServer;
using Mesh.Operator.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Operator.Tests.ConfigServer;

/// <summary>The real config stream server on Kestrel (h2c, 127.0.0.1, ephemeral port).</summary>
internal sealed class ConfigStreamHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _generation;

    private ConfigStreamHost(WebApplication app)
    {
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Address = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>The bootstrap token this server authenticates streams by, as the operator does in local mode.</summary>
    public const string Token = "config-stream-host-test-token";

    public Uri Address { get; }

    public IConfigPublisher Publisher => _app.Services.GetRequiredService<IConfigPublisher>();

    internal ProxyRegistry Registry => _app.Services.GetRequiredService<ProxyRegistry>();

    internal IServiceProvider Services => _app.Services;

    /// <summary>Stops the host (what a shutdown does: ApplicationStopping, then the server drains).</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <summary>The metadata of a proxy of <paramref name="namespace"/>/<paramref name="serviceAccount"/> with this host's token.</summary>
    public static Metadata Credentials(string @namespace = "default", string serviceAccount = "default") =>
        StreamCredentials.Bootstrap(Token, @namespace, serviceAccount);

    public static async Task<ConfigStreamHost> StartAsync(Action<ConfigServerOptions>? configure = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("MESH_TEST_LOG") == "1")
        {
            builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Debug);
        }
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddConfigServer(configure);
        builder.Services.AddSingleton<IWorkloadAuthenticator>(new BootstrapTokenAuthenticator(Token));
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        var app = builder.Build();
        app.MapConfigDiscovery();
        await app.StartAsync();
        return new ConfigStreamHost(app);
    }

    /// <summary>Publishes a generation in which each proxy gets <paramref name="configFor"/>(node id).</summary>
    public long Publish(Func<string, ProxyConfig> configFor)
    {
        var generation = Interlocked.Increment(ref _generation);
        Publisher.Publish(new MeshConfigSnapshot(generation, DateTimeOffset.UtcNow, new TestGenerator(configFor)));
        return generation;
    }

    /// <summary>Publishes a generation in which each proxy gets <paramref name="configFor"/>(node id), versioned by its content.</summary>
    public long PublishHashed(Func<string, ProxyConfig> configFor)
    {
        var generation = Interlocked.Increment(ref _generation);
        Publisher.Publish(new MeshConfigSnapshot(generation, DateTimeOffset.UtcNow, new HashedGenerator(configFor)));
        return generation;
    }

    /// <summary>A config whose content (and so version) is decided by <paramref name="marker"/>.</summary>
    public static ProxyConfig Config(string marker) => new()
    {
        VirtualHosts = { new VirtualHost { Name = marker, Domains = { marker } } },
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class HashedGenerator(Func<string, ProxyConfig> configFor) : IProxyConfigGenerator
    {
        public VersionedProxyConfig Generate(Node node)
        {
            var config = configFor(node.Id);
            return new VersionedProxyConfig(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(config.ToByteArray()))[..16], config);
        }
    }

    private sealed class TestGenerator(Func<string, ProxyConfig> configFor) : IProxyConfigGenerator
    {
        public VersionedProxyConfig Generate(Node node)
        {
            var config = configFor(node.Id);
            return new VersionedProxyConfig("v-" + config.VirtualHosts[0].Name, config);
        }
    }
}
