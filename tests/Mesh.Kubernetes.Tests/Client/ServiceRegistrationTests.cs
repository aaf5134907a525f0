using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Kubernetes.Tests.Client;

public sealed class ServiceRegistrationTests
{
    [Fact]
    public async Task AddKubernetesClient_ResolvesOneClientOfTheGivenConfiguration()
    {
        await using var server = await FakeApiServer.StartAsync([Widget.Type]);
        var services = new ServiceCollection()
            .AddKubernetesClient(_ => new k8s.KubernetesClientConfiguration { Host = server.Url.ToString(), Namespace = "mesh-system" });
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IKubernetesClient>();
        Assert.Same(client, provider.GetRequiredService<IKubernetesClient>());
        Assert.Equal("mesh-system", client.DefaultNamespace);
        await client.ListWidgetsAsync(null, null, TestTimeout.Token());
        Assert.Single(server.Requests);
    }
}
