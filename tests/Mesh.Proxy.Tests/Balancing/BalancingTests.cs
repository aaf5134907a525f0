using System.Net;
using Mesh.Api.V1;
using Mesh.Proxy.Tests.Fixtures;

namespace Mesh.Proxy.Tests.Balancing;

public sealed class BalancingTests
{
    [Fact]
    public async Task HeaderConsistentHashKeepsAKeyOnOneEndpoint()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var c = await TestBackend.StartAsync("c");
        var config = ConfigFactory.Simple(a, b, c);
        config.Clusters[0].LoadBalancer = new LoadBalancer { ConsistentHash = new ConsistentHash { HttpHeaderName = "x-user" } };
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        var owners = new HashSet<string>();
        for (var user = 0; user < 30; user++)
        {
            var seen = new HashSet<string>();
            for (var i = 0; i < 5; i++)
            {
                using var response = await proxy.GetAsync("reviews", "/", m => m.Headers.Add("x-user", $"user-{user}"));
                seen.Add(response.Headers.GetValues("x-backend").Single());
            }

            Assert.Single(seen);
            owners.Add(seen.Single());
        }

        Assert.True(owners.Count > 1, "30 keys spread over more than one endpoint");
    }

    [Fact]
    public async Task CookieHashWithTtlGeneratesACookieThatKeepsTheClientOnItsFirstEndpoint()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var c = await TestBackend.StartAsync("c");
        var config = ConfigFactory.Simple(a, b, c);
        config.Clusters[0].LoadBalancer = new LoadBalancer
        {
            ConsistentHash = new ConsistentHash { HttpCookie = new ConsistentHash.Types.Cookie { Name = "mesh-session", Path = "/", Ttl = ConfigFactory.Ms(3_600_000) } },
        };
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        using var first = await proxy.GetAsync("reviews");
        var setCookie = first.Headers.GetValues("set-cookie").Single();
        Assert.StartsWith("mesh-session=", setCookie);
        Assert.Contains("Max-Age=3600", setCookie);
        var cookie = setCookie.Split(';')[0];
        var firstBackend = first.Headers.GetValues("x-backend").Single();

        for (var i = 0; i < 10; i++)
        {
            using var next = await proxy.GetAsync("reviews", "/", m => m.Headers.Add("Cookie", cookie));
            Assert.Equal(firstBackend, next.Headers.GetValues("x-backend").Single());
            Assert.False(next.Headers.Contains("set-cookie"));
        }
    }

    [Fact]
    public async Task WeightedRoundRobinHonoursEndpointWeightsExactly()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        var config = ConfigFactory.Simple(a, b);
        config.Clusters[0].Endpoints[0].Weight = 3;
        config.Clusters[0].Endpoints[1].Weight = 1;
        config.Clusters[0].LoadBalancer = new LoadBalancer { Simple = LoadBalancer.Types.Simple.RoundRobin };
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        for (var i = 0; i < 400; i++)
        {
            using var response = await proxy.GetAsync("reviews");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(300, a.RequestCount);
        Assert.Equal(100, b.RequestCount);
    }

    [Theory]
    [InlineData(LoadBalancer.Types.Simple.LeastRequest)]
    [InlineData(LoadBalancer.Types.Simple.Random)]
    [InlineData(LoadBalancer.Types.Simple.PeakEwma)]
    public async Task EveryBalancerSpreadsLoadOverAllEndpoints(LoadBalancer.Types.Simple simple)
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        var config = ConfigFactory.Simple(a, b);
        config.Clusters[0].LoadBalancer = new LoadBalancer { Simple = simple };
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        var load = Enumerable.Range(0, 8).Select(async _ =>
        {
            for (var i = 0; i < 50; i++)
            {
                using var response = await proxy.GetAsync("reviews");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        });
        await Task.WhenAll(load);

        // 400 requests over 2 equal endpoints: each gets at least 10%.
        Assert.Equal(400, a.RequestCount + b.RequestCount);
        Assert.InRange(a.RequestCount, 40, 360);
    }
}
