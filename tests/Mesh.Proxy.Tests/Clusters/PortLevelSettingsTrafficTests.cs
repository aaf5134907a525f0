using Mesh.Proxy.Tests.Fixtures;

namespace Mesh.Proxy.Tests.Clusters;

/// <summary>A DestinationRule's portLevelSettings, compiled by the operator and applied by the real proxy, per port.</summary>
public sealed class PortLevelSettingsTrafficTests : IAsyncLifetime
{
    private TestBackend _a = null!;
    private TestBackend _b = null!;

    public async Task InitializeAsync()
    {
        _a = await TestBackend.StartAsync("shop-a");
        _b = await TestBackend.StartAsync("shop-b");
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task The_port_with_its_own_balancer_hashes_while_the_other_port_keeps_round_robin()
    {
        var yaml = CompiledManifests.Service("shop", [("http", 9080), ("http-admin", 9081)], [(_a, ""), (_b, "")]) + """
            ---
            apiVersion: mesh.io/v1alpha1
            kind: DestinationRule
            metadata: { name: shop, namespace: default }
            spec:
              host: shop
              trafficPolicy:
                loadBalancer: { simple: ROUND_ROBIN }
                portLevelSettings:
                - port: { number: 9081 }
                  loadBalancer: { consistentHash: { httpHeaderName: x-user } }
            """;
        await using var proxy = await ProxyUnderTest.StartAsync(CompiledManifests.For(yaml));

        Assert.Equal(["shop-a", "shop-b"], await BackendsSeenAsync(proxy, "shop:9080"));
        Assert.Single(await BackendsSeenAsync(proxy, "shop:9081"));
    }

    private static async Task<string[]> BackendsSeenAsync(ProxyUnderTest proxy, string authority)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 20; i++)
        {
            using var response = await proxy.GetAsync(authority, "/", r => r.Headers.Add("x-user", "alice"));
            response.EnsureSuccessStatusCode();
            seen.Add(response.Headers.GetValues("x-backend").Single());
        }

        return [.. seen];
    }
}
