using System.Net;
using Mesh.Api.V1;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.Config;

public sealed class ConfigApplierTests
{
    [Fact]
    public async Task RouteNamingAnUnknownClusterIsNackedAndTheLastGoodConfigKeepsServing()
    {
        await using var backend = await TestBackend.StartAsync("good");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFactory.Simple(backend));
        var bad = ConfigFactory.Simple(backend);
        bad.VirtualHosts[0].Routes[0].Forward.Destinations[0].Cluster = "outbound|9080||nope.default.svc.cluster.local";

        var result = proxy.Applier.Apply("v2", bad);

        Assert.False(result.Accepted);
        Assert.Equal("v1", result.Version);
        Assert.Contains("virtual_hosts[0].routes[0].forward.destinations[0].cluster", result.Error);
        Assert.Contains("unknown cluster", result.Error);
        using var response = await proxy.GetAsync("reviews");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("v1", proxy.Applier.CurrentVersion);
    }

    [Fact]
    public async Task BadRegexIsNackedWithItsPath()
    {
        await using var backend = await TestBackend.StartAsync("good");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFactory.Simple(backend));
        var bad = ConfigFactory.Simple(backend);
        bad.VirtualHosts[0].Routes[0].Matches.Add(new RouteMatch { Uri = new StringMatch { Regex = "/(unclosed" } });

        var result = proxy.Applier.Apply("v2", bad);

        Assert.False(result.Accepted);
        Assert.Contains("virtual_hosts[0].routes[0].matches[0].uri.regex", result.Error);
        using var response = await proxy.GetAsync("reviews");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SwappingConfig20TimesDuring10000ConcurrentRequestsFailsNone()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFactory.Simple(a));

        const int Total = 10_000;
        const int Clients = 16;
        var sent = 0;
        var failures = 0;
        async Task ClientLoop()
        {
            while (Interlocked.Increment(ref sent) <= Total)
            {
                using var response = await proxy.GetAsync("reviews:9080", "/swap");
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }

        var load = Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(ClientLoop)));
        for (var swap = 0; swap < 20; swap++)
        {
            var target = swap % 2 == 0 ? b : a;
            await Eventually.AssertAsync(() => Task.FromResult(Volatile.Read(ref sent) >= (swap + 1) * Total / 22), "load progresses between swaps", TimeSpan.FromSeconds(60));
            Assert.True(proxy.Applier.Apply($"v{swap + 2}", ConfigFactory.Simple(target)).Accepted);
        }

        await load;
        Assert.Equal(0, failures);
        Assert.Equal(Total, a.RequestCount + b.RequestCount);
        Assert.True(a.RequestCount > 0 && b.RequestCount > 0);
    }
}
