using System.Diagnostics;
using System.Net;
using Mesh.Proxy.Tests.Fixtures;

namespace Mesh.Proxy.Tests.Resilience;

/// <summary>
/// retries.backoff with real traffic: a VirtualService compiled by the real compiler, a backend that fails the first
/// two tries, and the backend's own receive times. Only lower bounds of time are asserted (a busy machine only
/// stretches waits): each retry waits at least the base interval, doubled for the second retry.
/// </summary>
public sealed class RetryBackoffTests
{
    [Fact]
    public async Task Retries_arrive_at_least_the_backoff_apart_and_the_second_at_least_twice_it()
    {
        await using var backend = await TestBackend.StartAsync("shop-v1");
        backend.FailNext(2, 503);
        var yaml = CompiledManifests.Service("shop", [("http", 9080)], [(backend, "")]) + """
            ---
            apiVersion: mesh.io/v1alpha1
            kind: VirtualService
            metadata: { name: shop, namespace: default }
            spec:
              hosts: [shop]
              http:
              - route: [{ destination: { host: shop } }]
                retries: { attempts: 3, retryOn: 5xx, backoff: 200ms }

            """;
        await using var proxy = await ProxyUnderTest.StartAsync(CompiledManifests.For(yaml));

        using var response = await proxy.GetAsync("shop:9080");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var times = backend.Received.Select(r => r.Timestamp).ToArray();
        Assert.Equal(3, times.Length);
        var first = Stopwatch.GetElapsedTime(times[0], times[1]);
        var second = Stopwatch.GetElapsedTime(times[1], times[2]);
        Assert.True(first >= TimeSpan.FromMilliseconds(200), $"the first retry came {first.TotalMilliseconds} ms after the first try");
        Assert.True(second >= TimeSpan.FromMilliseconds(400), $"the second retry came {second.TotalMilliseconds} ms after the first retry");
    }
}
