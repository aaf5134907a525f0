using System.Net;
using System.Net.Sockets;
using Mesh.Api.V1;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.Resilience;

public sealed class ResilienceTests
{
    [Fact]
    public async Task RetriesOn5xxReplayTheBodyAndSucceed()
    {
        await using var backend = await TestBackend.StartAsync("flaky");
        var config = ConfigFactory.Simple(backend);
        config.VirtualHosts[0].Routes[0].Retries = new RetryPolicy { Attempts = 3, RetryOn = { "5xx" } };
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        backend.FailNext(2, 503);

        using var response = await proxy.SendAsync(HttpMethod.Post, "reviews", "/", m => m.Content = new StringContent("body-to-replay"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, backend.RequestCount);
        Assert.All(backend.Received, r => Assert.Equal("body-to-replay", r.Body));
    }

    [Fact]
    public async Task RetryOnPlainStatusCodeOnlyRetriesThatCode()
    {
        await using var backend = await TestBackend.StartAsync("flaky");
        var config = ConfigFactory.Simple(backend);
        config.VirtualHosts[0].Routes[0].Retries = new RetryPolicy { Attempts = 2, RetryOn = { "409" } };
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        backend.FailNext(1, 500);
        using var notRetried = await proxy.GetAsync("reviews");
        Assert.Equal(HttpStatusCode.InternalServerError, notRetried.StatusCode);
        Assert.Equal(1, backend.RequestCount);

        backend.FailNext(1, 409);
        using var retried = await proxy.GetAsync("reviews");
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(3, backend.RequestCount);
    }

    [Fact]
    public async Task BodiesLargerThan64KiBAreNotRetried()
    {
        await using var backend = await TestBackend.StartAsync("flaky");
        var config = ConfigFactory.Simple(backend);
        config.VirtualHosts[0].Routes[0].Retries = new RetryPolicy { Attempts = 3, RetryOn = { "5xx" } };
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        backend.FailNext(1, 503);

        using var response = await proxy.SendAsync(HttpMethod.Post, "reviews", "/", m => m.Content = new ByteArrayContent(new byte[(64 * 1024) + 1]));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, backend.RequestCount);
    }

    [Fact]
    public async Task ConnectFailureIsRetriedOnAnotherEndpointByDefault()
    {
        await using var backend = await TestBackend.StartAsync("alive");
        var config = ConfigFactory.Simple(backend);
        config.Clusters[0].Endpoints.Add(new Mesh.Api.V1.Endpoint { Address = "127.0.0.1", Port = (uint)ClosedPort() });
        config.Clusters[0].LoadBalancer = new LoadBalancer { Simple = LoadBalancer.Types.Simple.RoundRobin };
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        for (var i = 0; i < 10; i++)
        {
            using var response = await proxy.GetAsync("reviews");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task ConnectFailureWithoutRetriesAnswers503()
    {
        var config = new ProxyConfig();
        var cluster = new Cluster { Name = ConfigFactory.ClusterName("reviews"), ServiceHost = "reviews.default.svc.cluster.local" };
        cluster.Endpoints.Add(new Mesh.Api.V1.Endpoint { Address = "127.0.0.1", Port = (uint)ClosedPort() });
        config.Clusters.Add(cluster);
        var route = ConfigFactory.Forward("default", (cluster.Name, 1));
        route.Retries = new RetryPolicy { Attempts = 0 };
        config.VirtualHosts.Add(ConfigFactory.Host("reviews", 9080, route));
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        using var response = await proxy.GetAsync("reviews");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("connection failure", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OverThePendingRequestLimitRequestsGetAnImmediate503MarkedOverloaded()
    {
        await using var backend = await TestBackend.StartAsync("slow");
        var config = ConfigFactory.Simple(backend);
        config.Clusters[0].ConnectionPool = new ConnectionPool { MaxConnections = 1, Http1MaxPendingRequests = 1 };
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        var held = Enumerable.Range(0, 2).Select(_ => proxy.GetAsync("reviews", "/", m => m.Headers.Add("x-delay-ms", "3000"))).ToArray();
        await Eventually.AssertAsync(async () => await ActiveRequestsAsync(proxy) == 2, "one request holds the connection and one waits for it");

        using var rejected = await proxy.GetAsync("reviews");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, rejected.StatusCode);
        Assert.Equal("true", rejected.Headers.GetValues("x-mesh-overloaded").Single());
        foreach (var response in await Task.WhenAll(held))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }
    }

    [Fact]
    public async Task ConsecutiveErrorsEjectTheEndpointAndClustersShowsIt()
    {
        await using var good = await TestBackend.StartAsync("good");
        await using var bad = await TestBackend.StartAsync("bad");
        bad.AlwaysFailWith = 500;
        var config = ConfigFactory.Simple(good, bad);
        config.Clusters[0].LoadBalancer = new LoadBalancer { Simple = LoadBalancer.Types.Simple.RoundRobin };
        config.Clusters[0].OutlierDetection = new OutlierDetection { Consecutive5XxErrors = 3, MaxEjectionPercent = 50, BaseEjectionTime = ConfigFactory.Ms(60_000) };
        config.VirtualHosts[0].Routes[0].Retries = new RetryPolicy { Attempts = 0 };
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        for (var i = 0; i < 6; i++)
        {
            (await proxy.GetAsync("reviews")).Dispose();
        }

        Assert.Equal(3, bad.RequestCount);
        for (var i = 0; i < 20; i++)
        {
            using var response = await proxy.GetAsync("reviews");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(3, bad.RequestCount);
        var clusters = System.Text.Json.JsonDocument.Parse(await proxy.Admin.GetStringAsync("/clusters"));
        var endpoints = clusters.RootElement.GetProperty("clusters")[0].GetProperty("endpoints").EnumerateArray().ToList();
        var ejected = endpoints.Single(e => e.GetProperty("port").GetInt32() == bad.Port);
        Assert.True(ejected.GetProperty("ejected").GetBoolean());
        Assert.Equal(1, ejected.GetProperty("ejection_count").GetInt32());
        Assert.False(endpoints.Single(e => e.GetProperty("port").GetInt32() == good.Port).GetProperty("ejected").GetBoolean());
    }

    [Fact]
    public async Task ResetBeforeHeadersIsRetriedOnlyWhenRetryOnNamesReset()
    {
        await using var backend = await TestBackend.StartAsync("resetting");
        var config = ConfigFactory.Simple(backend);
        config.VirtualHosts[0].Routes[0].Retries = new RetryPolicy { Attempts = 2, RetryOn = { "reset" } };
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        backend.AbortNext(1);
        using var retried = await proxy.GetAsync("reviews");
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(2, backend.RequestCount);

        Assert.True(proxy.Applier.Apply("v2", WithRetryOn(ConfigFactory.Simple(backend), "connect-failure")).Accepted);
        backend.AbortNext(1);
        using var notRetried = await proxy.GetAsync("reviews");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notRetried.StatusCode);
        Assert.Contains("connection termination", await notRetried.Content.ReadAsStringAsync());
        Assert.Equal(3, backend.RequestCount);
    }

    [Fact]
    public async Task UnknownRetryConditionIsNacked()
    {
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFactory.Simple(backend));

        var result = proxy.Applier.Apply("v2", WithRetryOn(ConfigFactory.Simple(backend), "sometimes"));

        Assert.False(result.Accepted);
        Assert.Contains("retries.retry_on[0]: unknown retry condition 'sometimes'", result.Error);
    }

    private static async Task<int> ActiveRequestsAsync(ProxyUnderTest proxy)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(await proxy.Admin.GetStringAsync("/clusters"));
        return doc.RootElement.GetProperty("clusters")[0].GetProperty("active_requests").GetInt32();
    }

    private static ProxyConfig WithRetryOn(ProxyConfig config, string condition)
    {
        config.VirtualHosts[0].Routes[0].Retries = new RetryPolicy { Attempts = 2, RetryOn = { condition } };
        return config;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
