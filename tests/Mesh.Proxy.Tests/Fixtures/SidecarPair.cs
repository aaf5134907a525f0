using Mesh.Api.V1;
using Mesh.Proxy.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Proxy.Tests.Fixtures;

/// <summary>
/// Two real proxies on loopback as two pods would use them: the client's sidecar (outbound) sends "reviews" traffic
/// to the server's sidecar (inbound), which forwards to the backend. Each sidecar has its own certificate source.
/// </summary>
internal sealed class SidecarPair : IAsyncDisposable
{
    public const string ClientPrincipal = "cluster.local/ns/default/sa/productpage";
    public const string ServerPrincipal = "cluster.local/ns/default/sa/reviews";

    private SidecarPair(TestBackend backend, ProxyUnderTest server, ProxyUnderTest client, SwappableCertificateSource serverCertificates, SwappableCertificateSource clientCertificates)
    {
        Backend = backend;
        Server = server;
        Client = client;
        ServerCertificates = serverCertificates;
        ClientCertificates = clientCertificates;
    }

    public TestBackend Backend { get; }

    public ProxyUnderTest Server { get; }

    public ProxyUnderTest Client { get; }

    public SwappableCertificateSource ServerCertificates { get; }

    public SwappableCertificateSource ClientCertificates { get; }

    /// <param name="configureCluster">Edits the client sidecar's "reviews" cluster (tls, endpoint identity, protocol).</param>
    public static async Task<SidecarPair> StartAsync(
        MtlsMode serverMode,
        WorkloadCertificate? serverCertificate,
        WorkloadCertificate? clientCertificate,
        Action<Cluster>? configureCluster = null)
    {
        var backend = await TestBackend.StartAsync("reviews");
        var serverCertificates = new SwappableCertificateSource(serverCertificate);
        var server = await ProxyUnderTest.StartAsync(
            new ProxyConfig { Inbound = new InboundConfig { MtlsMode = serverMode } },
            o => { o.AppPort = backend.Port; o.NodeId = "default/reviews-1"; },
            s => s.AddSingleton<IWorkloadCertificateSource>(serverCertificates));

        var clientConfig = new ProxyConfig();
        var cluster = ConfigFactory.Cluster("reviews", []);
        cluster.Endpoints.Add(new Endpoint { Address = "127.0.0.1", Port = (uint)server.InboundPort, Workload = "default/reviews-1", Identity = ServerPrincipal, InMesh = true });
        configureCluster?.Invoke(cluster);
        clientConfig.Clusters.Add(cluster);
        clientConfig.VirtualHosts.Add(ConfigFactory.Host("reviews", 9080, ConfigFactory.Forward("default", (cluster.Name, 100))));
        var clientCertificates = new SwappableCertificateSource(clientCertificate);
        var client = await ProxyUnderTest.StartAsync(
            clientConfig,
            o => o.NodeId = "default/productpage-1",
            s => s.AddSingleton<IWorkloadCertificateSource>(clientCertificates));
        return new SidecarPair(backend, server, client, serverCertificates, clientCertificates);
    }

    /// <summary>Applies a new inbound config to the server's sidecar.</summary>
    public void SetServerInbound(InboundConfig inbound)
    {
        var result = Server.Applier.Apply(Guid.NewGuid().ToString("N"), new ProxyConfig { Inbound = inbound });
        Assert.True(result.Accepted, result.Error);
    }

    public Task<HttpResponseMessage> GetThroughBothAsync(string path = "/") => Client.GetAsync("reviews:9080", path);

    /// <summary>A plaintext request straight to the server's inbound listener, as a workload without a sidecar sends it.</summary>
    public async Task<HttpResponseMessage> GetPlaintextInboundAsync(string path = "/")
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetAsync(new Uri($"http://127.0.0.1:{Server.InboundPort}{path}"));
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
        await Backend.DisposeAsync();
    }
}
