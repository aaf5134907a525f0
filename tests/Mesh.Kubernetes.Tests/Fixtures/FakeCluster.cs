using Mesh.Kubernetes.Client;

namespace Mesh.Kubernetes.Tests.Fixtures;

/// <summary>A <see cref="FakeApiServer"/> serving Widgets and Leases plus a real client pointed at it.</summary>
internal sealed class FakeCluster : IAsyncDisposable
{
    private FakeCluster(FakeApiServer server, IKubernetesClient client)
    {
        Server = server;
        Client = client;
    }

    public FakeApiServer Server { get; }

    public IKubernetesClient Client { get; }

    public static async Task<FakeCluster> StartAsync(KubernetesClientOptions? options = null, TimeProvider? clientTime = null)
    {
        var server = await FakeApiServer.StartAsync([Widget.Type, ResourceType.Lease]);
        var client = KubernetesClientFactory.Create(
            new k8s.KubernetesClientConfiguration { Host = server.Url.ToString(), Namespace = "default" },
            options ?? new KubernetesClientOptions { DefaultRetryDelay = TimeSpan.FromMilliseconds(10) },
            clientTime);
        return new FakeCluster(server, client);
    }

    /// <summary>A second client of the same server, with its own connections and clock.</summary>
    public IKubernetesClient NewClient(TimeProvider? time = null)
        => KubernetesClientFactory.Create(new k8s.KubernetesClientConfiguration { Host = Server.Url.ToString() }, null, time);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
