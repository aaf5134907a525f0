using System.Net;
using System.Net.Http.Json;
using Mesh.Api.V1;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.Forwarding;

public sealed class RouteActionTests
{
    private static async Task<(TestBackend Backend, ProxyUnderTest Proxy)> StartAsync(Action<Route> configure, Action<ProxyConfig>? more = null)
    {
        var backend = await TestBackend.StartAsync("reviews-v1");
        var config = ConfigFactory.Simple(backend);
        configure(config.VirtualHosts[0].Routes[0]);
        more?.Invoke(config);
        return (backend, await ProxyUnderTest.StartAsync(config));
    }

    [Fact]
    public async Task PrefixRewriteReplacesTheMatchedPrefixAndAuthority()
    {
        var (backend, proxy) = await StartAsync(r =>
        {
            r.Matches.Add(new RouteMatch { Uri = new StringMatch { Prefix = "/old" } });
            r.Rewrite = new Rewrite { Uri = "/new", Authority = "ratings.internal" };
        });
        await using (backend)
        await using (proxy)
        {
            var echo = await (await proxy.GetAsync("reviews", "/old/items?q=1")).Content.ReadFromJsonAsync<BackendEcho>();
            Assert.Equal("/new/items?q=1", echo!.Path);
            Assert.Equal("ratings.internal", echo.Headers["host"]);
        }
    }

    [Fact]
    public async Task RedirectDefaultsTo301AndReplacesSchemeAuthorityPortAndPath()
    {
        var (backend, proxy) = await StartAsync(r => r.Redirect = new Redirect { Uri = "/v2/login", Authority = "auth.example", Scheme = "https", Port = 8443 });
        await using (backend)
        await using (proxy)
        {
            using var response = await proxy.GetAsync("reviews", "/login?next=1");
            Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
            Assert.Equal("https://auth.example:8443/v2/login?next=1", response.Headers.Location!.ToString());
            Assert.Equal(0, backend.RequestCount);
        }
    }

    [Fact]
    public async Task RouteAndDestinationHeaderOperationsApplyToRequestAndResponse()
    {
        var (backend, proxy) = await StartAsync(r =>
        {
            r.Headers = new HeaderOperations
            {
                Request = new HeaderMutation { Set = { new HeaderValue { Name = "x-route", Value = "set" } }, Remove = { "x-secret" } },
                Response = new HeaderMutation { Add = { new HeaderValue { Name = "x-served-by", Value = "mesh" } }, Remove = { "x-backend" } },
            };
            r.Forward.Destinations[0].Headers = new HeaderOperations
            {
                Request = new HeaderMutation { Add = { new HeaderValue { Name = "x-destination", Value = "v1" } } },
            };
        });
        await using (backend)
        await using (proxy)
        {
            using var response = await proxy.GetAsync("reviews", "/", m =>
            {
                m.Headers.Add("x-secret", "s3cr3t");
                m.Headers.Add("x-route", "client");
            });
            var echo = await response.Content.ReadFromJsonAsync<BackendEcho>();
            Assert.Equal("set", echo!.Headers["x-route"]);
            Assert.Equal("v1", echo.Headers["x-destination"]);
            Assert.False(echo.Headers.ContainsKey("x-secret"));
            Assert.Equal("mesh", response.Headers.GetValues("x-served-by").Single());
            Assert.False(response.Headers.Contains("x-backend"));
        }
    }

    [Fact]
    public async Task TimeoutAnswers504WhenTheUpstreamIsSlower()
    {
        var (backend, proxy) = await StartAsync(r =>
        {
            r.Timeout = ConfigFactory.Ms(200);
            r.Retries = new RetryPolicy { Attempts = 0 };
        });
        await using (backend)
        await using (proxy)
        {
            using var slow = await proxy.GetAsync("reviews", "/", m => m.Headers.Add("x-delay-ms", "5000"));
            Assert.Equal(HttpStatusCode.GatewayTimeout, slow.StatusCode);
            Assert.Contains("upstream request timeout", await slow.Content.ReadAsStringAsync());

            using var fast = await proxy.GetAsync("reviews", "/");
            Assert.Equal(HttpStatusCode.OK, fast.StatusCode);
        }
    }

    [Fact]
    public async Task FaultAbortAt50PercentAbortsAboutHalfOf1000Requests()
    {
        var (backend, proxy) = await StartAsync(r => r.Fault = new FaultInjection { Abort = new FaultInjection.Types.Abort { HttpStatus = 418, Percentage = 50 } });
        await using (backend)
        await using (proxy)
        {
            const int Requests = 1000;
            var aborted = 0;
            for (var i = 0; i < Requests; i++)
            {
                using var response = await proxy.GetAsync("reviews");
                if (response.StatusCode == (HttpStatusCode)418)
                {
                    aborted++;
                    Assert.Equal("fault filter abort", await response.Content.ReadAsStringAsync());
                }
                else
                {
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                }
            }

            // 1,000 samples at p = 0.5: σ ≈ 1.6 points; ±6 points is beyond 3.5σ.
            Assert.InRange(100.0 * aborted / Requests, 44, 56);
            Assert.Equal(Requests - aborted, backend.RequestCount);
        }
    }

    [Fact]
    public async Task FaultDelayHoldsTheRequestForTheFixedDelay()
    {
        var (backend, proxy) = await StartAsync(r => r.Fault = new FaultInjection { Delay = new FaultInjection.Types.Delay { FixedDelay = ConfigFactory.Ms(300), Percentage = 100 } });
        await using (backend)
        await using (proxy)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            using var response = await proxy.GetAsync("reviews");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(290));
        }
    }

    [Fact]
    public async Task CorsPreflightIsAnsweredByTheProxyForAllowedOriginsOnly()
    {
        var (backend, proxy) = await StartAsync(r => r.Cors = new CorsPolicy
        {
            AllowOrigins = { new StringMatch { Exact = "https://app.example" }, new StringMatch { Regex = "https://.*\\.trusted\\.example" } },
            AllowMethods = { "GET", "POST" },
            AllowHeaders = { "x-token" },
            ExposeHeaders = { "x-backend" },
            MaxAge = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(1)),
        });
        await using (backend)
        await using (proxy)
        {
            using var preflight = await proxy.SendAsync(HttpMethod.Options, "reviews", "/", m =>
            {
                m.Headers.Add("Origin", "https://a.trusted.example");
                m.Headers.Add("Access-Control-Request-Method", "POST");
            });
            Assert.Equal(HttpStatusCode.OK, preflight.StatusCode);
            Assert.Equal("https://a.trusted.example", preflight.Headers.GetValues("access-control-allow-origin").Single());
            Assert.Equal("GET,POST", preflight.Headers.GetValues("access-control-allow-methods").Single());
            Assert.Equal("60", preflight.Headers.GetValues("access-control-max-age").Single());

            using var denied = await proxy.SendAsync(HttpMethod.Options, "reviews", "/", m =>
            {
                m.Headers.Add("Origin", "https://evil.example");
                m.Headers.Add("Access-Control-Request-Method", "POST");
            });
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            Assert.Equal(0, backend.RequestCount);

            using var actual = await proxy.GetAsync("reviews", "/", m => m.Headers.Add("Origin", "https://app.example"));
            Assert.Equal("https://app.example", actual.Headers.GetValues("access-control-allow-origin").Single());
        }
    }

    [Fact]
    public async Task MirrorCopiesRequestsButItsFailureNeverReachesTheCaller()
    {
        await using var mirror = await TestBackend.StartAsync("mirror");
        mirror.AlwaysFailWith = 500;
        var (backend, proxy) = await StartAsync(
            r => r.Mirror = new Mirror { Cluster = ConfigFactory.ClusterName("shadow"), Percentage = 100 },
            c => c.Clusters.Add(ConfigFactory.Cluster("shadow", [mirror])));
        await using (backend)
        await using (proxy)
        {
            for (var i = 0; i < 10; i++)
            {
                using var response = await proxy.SendAsync(HttpMethod.Post, "reviews:9080", "/m", m => m.Content = new StringContent("payload" + i));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("reviews-v1", response.Headers.GetValues("x-backend").Single());
            }

            await Eventually.AssertAsync(() => Task.FromResult(mirror.RequestCount == 10), "all 10 requests are mirrored");
            var copy = mirror.Received.First();
            Assert.Equal("reviews-shadow:9080", copy.Headers["host"]);
            Assert.StartsWith("payload", copy.Body);
        }
    }
}
