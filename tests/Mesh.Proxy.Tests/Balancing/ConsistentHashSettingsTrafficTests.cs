using Mesh.Proxy.Tests.Fixtures;

namespace Mesh.Proxy.Tests.Balancing;

/// <summary>consistentHash's cookie attributes and table sizing, compiled by the operator and applied by the real proxy.</summary>
public sealed class ConsistentHashSettingsTrafficTests : IAsyncLifetime
{
    private readonly List<TestBackend> _backends = [];

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            _backends.Add(await TestBackend.StartAsync($"shop-{i}"));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_missing_cookie_is_set_with_its_ttl_path_and_attributes_and_then_keeps_the_client_on_one_endpoint()
    {
        await using var proxy = await StartAsync("""
            { httpCookie: { name: shop-session, ttl: 90s, path: /cart, attributes: [{ name: SameSite, value: Strict }, { name: Secure }] } }
            """);

        using var first = await proxy.GetAsync("shop:9080", "/cart");
        var setCookie = first.Headers.GetValues("set-cookie").Single();
        var cookie = setCookie.Split(';')[0];

        Assert.Matches("^shop-session=[0-9a-f]{16}; Max-Age=90; Path=/cart; HttpOnly; SameSite=Strict; Secure$", setCookie);
        var owner = first.Headers.GetValues("x-backend").Single();
        for (var i = 0; i < 10; i++)
        {
            using var next = await proxy.GetAsync("shop:9080", "/cart", r => r.Headers.Add("Cookie", cookie));
            Assert.Equal(owner, next.Headers.GetValues("x-backend").Single());
            Assert.False(next.Headers.Contains("set-cookie"));
        }
    }

    [Theory]
    [InlineData("maglev: { tableSize: 65537 }")]
    [InlineData("ringHash: { minimumRingSize: 4096 }")]
    public async Task A_sized_table_keeps_each_key_on_one_endpoint_and_spreads_the_keys(string table)
    {
        await using var proxy = await StartAsync($"{{ httpHeaderName: x-user, {table} }}");

        var owners = new HashSet<string>(StringComparer.Ordinal);
        for (var user = 0; user < 30; user++)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < 3; i++)
            {
                using var response = await proxy.GetAsync("shop:9080", "/", r => r.Headers.Add("x-user", $"user-{user}"));
                seen.Add(response.Headers.GetValues("x-backend").Single());
            }

            owners.Add(Assert.Single(seen));
        }

        Assert.True(owners.Count > 1, "30 keys spread over more than one endpoint");
    }

    private Task<ProxyUnderTest> StartAsync(string consistentHash) =>
        ProxyUnderTest.StartAsync(CompiledManifests.For(CompiledManifests.Service("shop", [("http", 9080)], _backends.Select(b => (b, ""))) + $$"""
            ---
            apiVersion: mesh.io/v1alpha1
            kind: DestinationRule
            metadata: { name: shop, namespace: default }
            spec:
              host: shop
              trafficPolicy:
                loadBalancer:
                  consistentHash: {{consistentHash.Trim()}}
            """));
}
