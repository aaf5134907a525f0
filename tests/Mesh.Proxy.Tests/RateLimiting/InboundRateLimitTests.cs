using System.Diagnostics;
using System.Net;
using Mesh.Api.V1;
using Mesh.Proxy.Tests.Authorization;
using Mesh.Proxy.Tests.Fixtures;
using Xunit.Abstractions;
using static Mesh.Proxy.Tests.Authorization.PolicyBuilder;

namespace Mesh.Proxy.Tests.RateLimiting;

/// <summary>Rate limits end to end through a real proxy's inbound listener and a real backend, on the real clock.</summary>
public sealed class InboundRateLimitTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Under_overload_the_admitted_count_is_within_ten_percent_of_rate_times_duration_plus_burst()
    {
        // Sample: 8 concurrent clients offering as many requests as they can for 3 s against 20 rps with a burst of
        // 10 (expected ≈ 70 admitted). Tolerance ±10% of 20 × (measured window) + 10. A bucket only loses tokens
        // while it is full and nobody asks; the burst of 10 lets it ride out scheduling stalls of up to 0.5 s on a
        // shared machine, so the test measures the limiter, not the scheduler. The offered load must be at least
        // 5× the limit for the test to say anything, which is asserted too.
        const double Rps = 20;
        const uint Burst = 10;
        const int Clients = 8;
        var duration = TimeSpan.FromSeconds(3);
        await using var app = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(new ProxyConfig { Inbound = Limit("default/warm-up", 1, 1) }, o => o.AppPort = app.Port);
        using var client = InboundAuthorizationTests.InboundClient(proxy);
        var warmUpForwarded = await WarmUpAsync(client);

        // A limit under a new name gets a new, full bucket: the measurement starts when it is applied.
        var clock = Stopwatch.StartNew();
        var applied = proxy.Applier.Apply("v2", new ProxyConfig { Inbound = Limit("default/twenty", Rps, Burst) });
        Assert.True(applied.Accepted, applied.Error);
        var ok = 0;
        var limited = 0;
        var limitedWithoutRetryAfter = 0;
        long lastSend = 0;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                Interlocked.Exchange(ref lastSend, clock.ElapsedTicks);
                using var response = await client.GetAsync("/");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref ok);
                }
                else if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Interlocked.Increment(ref limited);
                    if (response.Headers.RetryAfter?.Delta is not { TotalSeconds: >= 1 })
                    {
                        Interlocked.Increment(ref limitedWithoutRetryAfter);
                    }
                }
                else
                {
                    Assert.Fail($"unexpected {(int)response.StatusCode}");
                }
            }
        })));

        var window = TimeSpan.FromSeconds((double)Interlocked.Read(ref lastSend) / Stopwatch.Frequency);
        var expected = (Rps * window.TotalSeconds) + Burst;
        output.WriteLine($"admitted {ok}, rejected {limited}, expected {expected:0.#} ± 10% over {window.TotalSeconds:0.###} s");
        Assert.True(ok + limited >= 5 * expected, $"offered only {ok + limited} requests for an expected {expected:0.#} admitted");
        Assert.True(Math.Abs(ok - expected) <= 0.1 * expected, $"admitted {ok} of {ok + limited}, expected {expected:0.#} ± 10% over {window.TotalSeconds:0.###} s");
        Assert.Equal(0, limitedWithoutRetryAfter);
        Assert.Equal(ok + warmUpForwarded, app.RequestCount);
        var metrics = await proxy.Admin.GetStringAsync("/stats/prometheus");
        Assert.Contains($"mesh_proxy_rate_limited_total{{policy=\"default/twenty\"}} {limited}\n", metrics);
    }

    [Fact]
    public async Task A_request_denied_by_authorization_takes_no_token()
    {
        // One token per 100 s and a burst of 2: the real clock adds nothing during the test.
        await using var app = await TestBackend.StartAsync("app");
        var inbound = Limit("default/slow", 0.01, 2);
        inbound.Authorization.Add(Deny("default/deny-admin", Rule(to: [To(paths: ["/admin"])])));
        await using var proxy = await ProxyUnderTest.StartAsync(new ProxyConfig { Inbound = inbound }, o => o.AppPort = app.Port);
        using var client = InboundAuthorizationTests.InboundClient(proxy);

        for (var i = 0; i < 5; i++)
        {
            using var denied = await client.GetAsync("/admin");
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        using var first = await client.GetAsync("/a");
        using var second = await client.GetAsync("/b");
        using var third = await client.GetAsync("/c");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("local_rate_limited", await third.Content.ReadAsStringAsync());
        var retryAfter = third.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 100);
    }

    /// <summary>
    /// Runs the admitted and the rejected path until both answer, so that first-call costs (JIT, connection setup)
    /// on a loaded machine do not stall the measured window while its bucket sits full.
    /// </summary>
    /// <returns>How many warm-up requests reached the app.</returns>
    private static async Task<int> WarmUpAsync(HttpClient client)
    {
        var seen = new HashSet<HttpStatusCode>();
        var forwarded = 0;
        for (var i = 0; i < 200 && seen.Count < 2; i++)
        {
            using var response = await client.GetAsync("/");
            seen.Add(response.StatusCode);
            forwarded += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.TooManyRequests], seen.Order());
        return forwarded;
    }

    private static InboundConfig Limit(string name, double requestsPerSecond, uint burst)
    {
        var inbound = new InboundConfig();
        inbound.RateLimits.Add(new RateLimit { Name = name, RequestsPerSecond = requestsPerSecond, Burst = burst });
        return inbound;
    }
}
