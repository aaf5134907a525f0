using System.Net;
using Mesh.Api.V1;
using Mesh.Proxy.Config;
using Mesh.Proxy.Hosting;
using Mesh.Proxy.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Endpoint = Mesh.Api.V1.Endpoint;
using Route = Mesh.Api.V1.Route;

namespace Mesh.Bench.Mtls;

/// <summary>
/// A backend and two real sidecars on loopback: client sidecar (outbound) → mTLS → server sidecar (inbound,
/// STRICT) → backend. Both sidecars run the production host (ProxyHostBuilder) in this process.
/// </summary>
internal sealed class BenchMesh : IAsyncDisposable
{
    public const string Host = "reviews.default.svc.cluster.local";
    /// <summary>Connections per hop: the harness's client and the client sidecar's cluster.</summary>
    public const int MaxConnections = 64;

    private const string ServerPrincipal = "cluster.local/ns/default/sa/reviews";

    private readonly List<WebApplication> _apps = [];
    private readonly BenchCertificates _ca = new();

    public int BackendPort { get; private set; }

    public int ClientOutboundPort { get; private set; }

    public static async Task<BenchMesh> StartAsync()
    {
        var mesh = new BenchMesh();
        var backend = WebApplication.CreateSlimBuilder();
        backend.Logging.ClearProviders();
        backend.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var backendApp = backend.Build();
        backendApp.Run(context => context.Response.WriteAsync("ok", context.RequestAborted));
        await mesh.StartAsync(backendApp);
        mesh.BackendPort = new Uri(backendApp.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

        var server = await mesh.StartSidecarAsync(mesh.BackendPort, ServerPrincipal, new ProxyConfig { Inbound = new InboundConfig { MtlsMode = MtlsMode.Strict } });
        var cluster = new Cluster { Name = $"outbound|9080||{Host}", ServiceHost = Host, Port = 9080, Tls = new ClientTls { Mode = ClientTls.Types.Mode.MeshMutual } };

        // Bounded as a production DestinationRule would be: under overload requests queue (and the queueing shows
        // in the latency) instead of opening one TLS connection each.
        cluster.ConnectionPool = new ConnectionPool { MaxConnections = MaxConnections };
        cluster.Endpoints.Add(new Endpoint { Address = "127.0.0.1", Port = (uint)server.GetRequiredService<ListenerEndpoints>().InboundPort, Identity = ServerPrincipal, InMesh = true });
        var route = new Route { Name = "default", Forward = new RouteForward() };
        route.Forward.Destinations.Add(new WeightedDestination { Cluster = cluster.Name, Weight = 100 });
        var host = new VirtualHost { Name = Host, Domains = { Host, Host + ":9080" }, Routes = { route } };
        var clientConfig = new ProxyConfig { Clusters = { cluster }, VirtualHosts = { host } };
        var client = await mesh.StartSidecarAsync(null, "cluster.local/ns/default/sa/productpage", clientConfig);
        mesh.ClientOutboundPort = client.GetRequiredService<ListenerEndpoints>().OutboundPort;
        return mesh;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        _ca.Dispose();
    }

    private async Task<IServiceProvider> StartSidecarAsync(int? appPort, string principal, ProxyConfig config)
    {
        var options = new ProxyOptions { OutboundPort = 0, InboundPort = 0, AdminPort = 0, AppPort = appPort, NodeId = principal };
        var certificate = _ca.Issue(principal);
        var app = ProxyHostBuilder.Build(options, s => s.AddSingleton<IWorkloadCertificateSource>(new FixedCertificateSource(certificate)));
        await StartAsync(app);
        var result = app.Services.GetRequiredService<IConfigApplier>().Apply("bench", config);
        if (!result.Accepted)
        {
            throw new InvalidOperationException("bench config rejected: " + result.Error);
        }

        return app.Services;
    }

    private async Task StartAsync(WebApplication app)
    {
        await app.StartAsync();
        _apps.Add(app);
    }
}
