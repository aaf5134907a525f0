using Mesh.Proxy.Tests.Fixtures;

namespace Mesh.Proxy.Tests.Balancing;

/// <summary>
/// localityLbSetting with real traffic: backends in two zones of one region, the client's proxy in zone z1 by its
/// labels; the operator compiles the DestinationRule, the real proxy balances by locality.
/// </summary>
public sealed class LocalityBalancingTrafficTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> ClientInZ1 = new()
    {
        ["app"] = "client",
        ["topology.kubernetes.io/region"] = "r1",
        ["topology.kubernetes.io/zone"] = "z1",
    };

    private readonly List<TestBackend> _z1 = [];
    private readonly List<TestBackend> _z2 = [];

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            _z1.Add(await TestBackend.StartAsync($"z1-{i}"));
            _z2.Add(await TestBackend.StartAsync($"z2-{i}"));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var backend in _z1.Concat(_z2))
        {
            await backend.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_clients_zone_takes_all_traffic_and_the_other_zone_takes_over_when_it_is_ejected()
    {
        await using var proxy = await StartAsync("""
            outlierDetection: { consecutive5xxErrors: 1, maxEjectionPercent: 100, baseEjectionTime: 10m }
            """);

        Assert.All(await SendAsync(proxy, 20), name => Assert.StartsWith("z1-", name));

        foreach (var backend in _z1)
        {
            backend.AlwaysFailWith = 503;
        }

        // Each failing endpoint answers 503 once and is ejected; bounded by the number of requests sent.
        var served = await SendAsync(proxy, 20);
        Assert.True(served.Count(name => name.StartsWith("z1-", StringComparison.Ordinal)) <= 2, string.Join(",", served));
        Assert.All(served.TakeLast(15), name => Assert.StartsWith("z2-", name));
    }

    [Fact]
    public async Task Without_outlier_detection_locality_is_not_preferred_as_in_istio()
    {
        await using var proxy = await StartAsync("loadBalancer: { simple: ROUND_ROBIN }");

        var served = await SendAsync(proxy, 20);

        Assert.Contains(served, name => name.StartsWith("z2-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Zone_aware_balancing_keeps_the_clients_zone_even_without_outlier_detection()
    {
        await using var proxy = await StartAsync("loadBalancer: { simple: ROUND_ROBIN, zoneAwareLbSetting: { enabled: true } }");

        Assert.All(await SendAsync(proxy, 20), name => Assert.StartsWith("z1-", name));
    }

    [Fact]
    public async Task Distribute_sends_the_clients_zone_traffic_where_its_weights_say()
    {
        await using var proxy = await StartAsync("""
            loadBalancer:
              simple: ROUND_ROBIN
              localityLbSetting:
                distribute:
                - { from: r1/z1/*, to: { "r1/z2/*": 100 } }
            """);

        Assert.All(await SendAsync(proxy, 20), name => Assert.StartsWith("z2-", name));
    }

    private Task<ProxyUnderTest> StartAsync(string trafficPolicy)
    {
        var zone = ", topology.kubernetes.io/region: r1, topology.kubernetes.io/zone: ";
        var yaml = CompiledManifests.Service("shop", [("http", 9080)], _z1.Select(b => (b, zone + "z1")).Concat(_z2.Select(b => (b, zone + "z2")))) + $$"""
            ---
            apiVersion: mesh.io/v1alpha1
            kind: DestinationRule
            metadata: { name: shop, namespace: default }
            spec:
              host: shop
              trafficPolicy:
            {{string.Join('\n', trafficPolicy.Trim().Split('\n').Select(line => "    " + line))}}
            """;
        return ProxyUnderTest.StartAsync(CompiledManifests.For(yaml), options =>
        {
            options.NodeId = "default/client";
            options.Labels = ClientInZ1;
        });
    }

    private static async Task<List<string>> SendAsync(ProxyUnderTest proxy, int count)
    {
        var served = new List<string>();
        for (var i = 0; i < count; i++)
        {
            using var response = await proxy.GetAsync("shop:9080");
            served.Add(response.Headers.GetValues("x-backend").Single());
        }

        return served;
    }
}
