using System.Net;
using System.Net.Http.Json;
using Mesh.Api.V1;
using Mesh.Proxy.Tests.Fixtures;

namespace Mesh.Proxy.Tests.Routing;

public sealed class OutboundRoutingTests
{
    [Fact]
    public async Task RoutesByHostHeaderInEverySpelling()
    {
        await using var backend = await TestBackend.StartAsync("reviews-v1");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFactory.Simple(backend));

        foreach (var host in new[] { "reviews", "reviews:9080", "reviews.default.svc.cluster.local:9080", "REVIEWS.default" })
        {
            using var response = await proxy.GetAsync(host, "/ratings/1?x=y");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var echo = await response.Content.ReadFromJsonAsync<BackendEcho>();
            Assert.Equal("reviews-v1", echo!.Name);
            Assert.Equal("/ratings/1?x=y", echo.Path);
            Assert.Equal(host, echo.Headers["host"]);
        }
    }

    [Fact]
    public async Task AcceptsAbsoluteFormRequestsAsAnHttpProxy()
    {
        await using var backend = await TestBackend.StartAsync("reviews-v1");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFactory.Simple(backend));
        using var viaProxy = new HttpClient(new SocketsHttpHandler { Proxy = new WebProxy($"http://127.0.0.1:{proxy.OutboundPort}"), UseProxy = true });

        var echo = await viaProxy.GetFromJsonAsync<BackendEcho>("http://reviews.default.svc.cluster.local:9080/absolute");

        Assert.Equal("reviews-v1", echo!.Name);
        Assert.Equal("/absolute", echo.Path);
    }

    [Fact]
    public async Task ServesHttp2PriorKnowledgeAndHttp11OnTheSamePort()
    {
        await using var backend = await TestBackend.StartAsync("reviews-v1");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFactory.Simple(backend));

        foreach (var version in new[] { HttpVersion.Version20, HttpVersion.Version11 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/proto") { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
            request.Headers.Host = "reviews:9080";
            using var response = await proxy.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(version, response.Version);
            Assert.Equal("reviews-v1", (await response.Content.ReadFromJsonAsync<BackendEcho>())!.Name);
        }
    }

    [Fact]
    public async Task UnknownHostGets404WithAClearBody()
    {
        await using var backend = await TestBackend.StartAsync("reviews-v1");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFactory.Simple(backend));

        using var response = await proxy.GetAsync("unknown.example:80");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no virtual host for authority 'unknown.example:80'", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, backend.RequestCount);
    }

    [Fact]
    public async Task BeforeAnyConfigOutboundAnswers503()
    {
        await using var proxy = await ProxyUnderTest.StartAsync();

        using var response = await proxy.GetAsync("reviews");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("no config", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task FirstMatchingRouteWinsAcrossUriHeaderQueryMethodAndPortConditions()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        await using var v3 = await TestBackend.StartAsync("v3");
        var config = new ProxyConfig();
        config.Clusters.Add(ConfigFactory.Cluster("reviews", [v1], "v1"));
        config.Clusters.Add(ConfigFactory.Cluster("reviews", [v2], "v2"));
        config.Clusters.Add(ConfigFactory.Cluster("reviews", [v3], "v3"));
        var c1 = ConfigFactory.ClusterName("reviews", subset: "v1");
        var c2 = ConfigFactory.ClusterName("reviews", subset: "v2");
        var c3 = ConfigFactory.ClusterName("reviews", subset: "v3");

        var byHeader = ConfigFactory.Forward("jason", (c2, 1));
        byHeader.Matches.Add(new RouteMatch { Headers = { new HeaderMatch { Name = "end-user", Match = new StringMatch { Exact = "jason" } } } });
        var byRegex = ConfigFactory.Forward("regex", (c3, 1));
        byRegex.Matches.Add(new RouteMatch { Uri = new StringMatch { Regex = "/api/v[0-9]+/items" }, Method = new StringMatch { Exact = "POST" } });
        var byQuery = ConfigFactory.Forward("query", (c3, 1));
        byQuery.Matches.Add(new RouteMatch { QueryParams = { new QueryParamMatch { Name = "canary", Match = new StringMatch { Exact = "yes" } } } });
        var withoutHeader = ConfigFactory.Forward("no-debug", (c1, 1));
        withoutHeader.Matches.Add(new RouteMatch { Headers = { new HeaderMatch { Name = "x-debug", Invert = true } }, Port = 9080 });
        var fallback = ConfigFactory.Forward("fallback", (c2, 1));
        config.VirtualHosts.Add(ConfigFactory.Host("reviews", 9080, byHeader, byRegex, byQuery, withoutHeader, fallback));
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        async Task<string> Backend(HttpMethod method, string path, string? header = null, string host = "reviews:9080")
        {
            using var response = await proxy.SendAsync(method, host, path, r =>
            {
                if (header is not null)
                {
                    r.Headers.Add(header.Split(':')[0], header.Split(':')[1]);
                }
            });
            return response.Headers.GetValues("x-backend").Single();
        }

        Assert.Equal("v2", await Backend(HttpMethod.Get, "/", "end-user:jason"));
        Assert.Equal("v3", await Backend(HttpMethod.Post, "/api/v12/items"));
        Assert.Equal("v1", await Backend(HttpMethod.Post, "/api/v12/items/extra"));
        Assert.Equal("v1", await Backend(HttpMethod.Get, "/api/v12/items"));
        Assert.Equal("v3", await Backend(HttpMethod.Get, "/x?a=1&canary=yes"));
        Assert.Equal("v1", await Backend(HttpMethod.Get, "/x?canary=no"));
        Assert.Equal("v2", await Backend(HttpMethod.Get, "/", "x-debug:1"));
        Assert.Equal("v2", await Backend(HttpMethod.Get, "/", host: "reviews"));
    }

    [Fact]
    public async Task WeightedDestinationsSplit80To20Within4PointsOver2000Requests()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        var config = new ProxyConfig();
        config.Clusters.Add(ConfigFactory.Cluster("reviews", [v1], "v1"));
        config.Clusters.Add(ConfigFactory.Cluster("reviews", [v2], "v2"));
        config.VirtualHosts.Add(ConfigFactory.Host("reviews", 9080, ConfigFactory.Forward("split",
            (ConfigFactory.ClusterName("reviews", subset: "v1"), 80), (ConfigFactory.ClusterName("reviews", subset: "v2"), 20))));
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        const int Requests = 2000;
        for (var i = 0; i < Requests; i++)
        {
            using var response = await proxy.GetAsync("reviews:9080");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Sample 2,000, expected share 80%: ±4 points is more than 4 standard deviations (σ ≈ 0.9 points).
        var share = 100.0 * v1.RequestCount / Requests;
        Assert.InRange(share, 76, 84);
        Assert.Equal(Requests, v1.RequestCount + v2.RequestCount);
    }
}
