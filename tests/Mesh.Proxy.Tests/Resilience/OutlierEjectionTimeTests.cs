using System.Net;
using System.Text.Json;
using Mesh.Api.V1;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Proxy.Tests.Resilience;

public sealed class OutlierEjectionTimeTests
{
    [Fact]
    public async Task EjectionEndsAfterBaseEjectionTimeGrowsWithEachEjectionAndShrinksAfterHealthyIntervals()
    {
        var clock = new ManualTimeProvider();
        await using var good = await TestBackend.StartAsync("good");
        await using var bad = await TestBackend.StartAsync("bad");
        bad.AlwaysFailWith = 502;
        var config = ConfigFactory.Simple(good, bad);
        config.Clusters[0].LoadBalancer = new LoadBalancer { Simple = LoadBalancer.Types.Simple.RoundRobin };
        config.Clusters[0].OutlierDetection = new OutlierDetection { ConsecutiveGatewayErrors = 2, MaxEjectionPercent = 50, BaseEjectionTime = ConfigFactory.Ms(30_000), Interval = ConfigFactory.Ms(10_000) };
        config.VirtualHosts[0].Routes[0].Retries = new RetryPolicy { Attempts = 0 };
        await using var proxy = await ProxyUnderTest.StartAsync(config, services: s => s.AddSingleton<TimeProvider>(clock));

        async Task<bool> BadIsEjected()
        {
            using var doc = JsonDocument.Parse(await proxy.Admin.GetStringAsync("/clusters"));
            return doc.RootElement.GetProperty("clusters")[0].GetProperty("endpoints").EnumerateArray()
                .Single(e => e.GetProperty("port").GetInt32() == bad.Port).GetProperty("ejected").GetBoolean();
        }

        async Task SendUntilEjected()
        {
            for (var i = 0; i < 10 && !await BadIsEjected(); i++)
            {
                (await proxy.GetAsync("reviews")).Dispose();
            }

            Assert.True(await BadIsEjected());
        }

        await SendUntilEjected();
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.True(await BadIsEjected());
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(await BadIsEjected());

        // Second ejection lasts 2 × 30 s.
        await SendUntilEjected();
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.True(await BadIsEjected());
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(await BadIsEjected());

        // Two healthy 10 s intervals bring the multiplier from 2 back to 0: the next ejection lasts 1 × 30 s.
        clock.Advance(TimeSpan.FromSeconds(20));
        await SendUntilEjected();
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.True(await BadIsEjected());
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(await BadIsEjected());
    }

    [Fact]
    public async Task NeverEjectsMoreThanMaxEjectionPercentButAtLeastOne()
    {
        var clock = new ManualTimeProvider();
        var backends = new List<TestBackend>();
        for (var i = 0; i < 4; i++)
        {
            var b = await TestBackend.StartAsync($"b{i}");
            b.AlwaysFailWith = 500;
            backends.Add(b);
        }

        try
        {
            var config = ConfigFactory.Simple([.. backends]);
            config.Clusters[0].LoadBalancer = new LoadBalancer { Simple = LoadBalancer.Types.Simple.RoundRobin };
            config.Clusters[0].OutlierDetection = new OutlierDetection { Consecutive5XxErrors = 1, MaxEjectionPercent = 10 };
            config.VirtualHosts[0].Routes[0].Retries = new RetryPolicy { Attempts = 0 };
            await using var proxy = await ProxyUnderTest.StartAsync(config, services: s => s.AddSingleton<TimeProvider>(clock));

            for (var i = 0; i < 40; i++)
            {
                using var response = await proxy.GetAsync("reviews");
                Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            }

            using var doc = JsonDocument.Parse(await proxy.Admin.GetStringAsync("/clusters"));
            var ejected = doc.RootElement.GetProperty("clusters")[0].GetProperty("endpoints").EnumerateArray().Count(e => e.GetProperty("ejected").GetBoolean());
            Assert.Equal(1, ejected);
        }
        finally
        {
            foreach (var b in backends)
            {
                await b.DisposeAsync();
            }
        }
    }
}
