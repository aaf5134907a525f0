using System.Net;
using Mesh.Proxy.Tests.Fixtures;

namespace Mesh.Proxy.Tests.Resilience;

/// <summary>
/// Outlier detection's minHealthPercent and split local-origin counting, compiled from a DestinationRule by the
/// operator and applied by the real proxy to real traffic (round robin over the endpoints, no retries).
/// </summary>
public sealed class OutlierDetectionSettingsTests
{
    private const string NoRetries = """
        ---
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: { name: shop, namespace: default }
        spec:
          hosts: [shop]
          http:
          - route: [{ destination: { host: shop } }]
            retries: { attempts: 0 }

        """;

    [Fact]
    public async Task An_ejection_that_would_leave_fewer_healthy_than_minHealthPercent_is_not_made()
    {
        await using var good = await TestBackend.StartAsync("good");
        await using var bad1 = await TestBackend.StartAsync("bad-1");
        await using var bad2 = await TestBackend.StartAsync("bad-2");
        bad1.AlwaysFailWith = 503;
        bad2.AlwaysFailWith = 503;
        await using var proxy = await StartAsync([(good.Name, good.Port), (bad1.Name, bad1.Port), (bad2.Name, bad2.Port)], """
            { consecutive5xxErrors: 1, maxEjectionPercent: 100, minHealthPercent: 50, baseEjectionTime: 10m }
            """);

        var served = await SendAsync(proxy, 30);

        // One of the failing two is ejected (2 of 3 left healthy); ejecting the other would leave 1 of 3, below 50%.
        var lastTen = served.TakeLast(10).ToList();
        Assert.Contains("good", lastTen);
        Assert.Single(lastTen.Where(s => s != "good").Distinct());
    }

    [Fact]
    public async Task In_split_mode_connect_failures_eject_by_their_own_count_and_upstream_5xx_do_not_count_towards_it()
    {
        await using var failing = await TestBackend.StartAsync("failing");
        failing.AlwaysFailWith = 500;
        var dead = CompiledManifests.UnusedPort();
        await using var proxy = await StartAsync([("dead", dead), (failing.Name, failing.Port)], """
            { splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailures: 2, consecutive5xxErrors: 0, maxEjectionPercent: 100, baseEjectionTime: 10m }
            """);

        var served = await SendAsync(proxy, 16);

        // The dead endpoint fails twice and is ejected; the endpoint answering 500 is never ejected (5xx ejection is
        // off and its answers are not local failures), so it takes every later request.
        Assert.Equal(2, served.Count(s => s == "connect-failure"));
        Assert.All(served.TakeLast(10), s => Assert.Equal("failing", s));
    }

    private static Task<ProxyUnderTest> StartAsync(IEnumerable<(string Name, int Port)> endpoints, string outlierDetection)
    {
        var yaml = CompiledManifests.Service("shop", [("http", 9080)], endpoints.Select(e => (e.Name, e.Port, ""))) + NoRetries + $$"""
            ---
            apiVersion: mesh.io/v1alpha1
            kind: DestinationRule
            metadata: { name: shop, namespace: default }
            spec:
              host: shop
              trafficPolicy:
                loadBalancer: { simple: ROUND_ROBIN }
                outlierDetection: {{outlierDetection.Trim()}}
            """;
        return ProxyUnderTest.StartAsync(CompiledManifests.For(yaml));
    }

    /// <summary>Which backend answered each request, in order; "connect-failure" when the proxy could not connect.</summary>
    private static async Task<List<string>> SendAsync(ProxyUnderTest proxy, int count)
    {
        var served = new List<string>();
        for (var i = 0; i < count; i++)
        {
            using var response = await proxy.GetAsync("shop:9080");
            served.Add(response.Headers.TryGetValues("x-backend", out var names) ? names.Single()
                : response.StatusCode == HttpStatusCode.ServiceUnavailable ? "connect-failure"
                : response.StatusCode.ToString());
        }

        return served;
    }
}
