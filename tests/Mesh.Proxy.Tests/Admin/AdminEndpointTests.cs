using System.Net;
using System.Text.Json;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.Admin;

public sealed class AdminEndpointTests
{
    [Fact]
    public async Task ReadyIs503BeforeAConfigAnd200After()
    {
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await proxy.Admin.GetAsync("/ready")).StatusCode);
        Assert.True(proxy.Applier.Apply("v1", ConfigFactory.Simple(backend)).Accepted);
        Assert.Equal(HttpStatusCode.OK, (await proxy.Admin.GetAsync("/ready")).StatusCode);
    }

    [Fact]
    public async Task ConfigDumpShowsTheAppliedConfigAsProtobufJsonWithItsVersion()
    {
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFactory.Simple(backend));

        using var dump = JsonDocument.Parse(await proxy.Admin.GetStringAsync("/config_dump"));

        Assert.Equal("v1", dump.RootElement.GetProperty("version").GetString());
        var config = Google.Protobuf.JsonParser.Default.Parse<Mesh.Api.V1.ProxyConfig>(dump.RootElement.GetProperty("config").GetRawText());
        Assert.Equal(ConfigFactory.Simple(backend), config);
    }

    [Fact]
    public async Task PrometheusEndpointExportsRequestCountersAndDurationHistogram()
    {
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFactory.Simple(backend), o => o.Labels = new Dictionary<string, string> { ["app"] = "productpage" });
        for (var i = 0; i < 3; i++)
        {
            (await proxy.GetAsync("reviews:9080")).Dispose();
        }

        (await proxy.GetAsync("reviews:9080", "/", m => m.Headers.Add("x-fail", "503"))).Dispose();
        var text = await proxy.Admin.GetStringAsync("/stats/prometheus");

        Assert.Contains("# TYPE mesh_requests_total counter", text);
        Assert.Contains("mesh_requests_total{direction=\"outbound\",source_workload=\"productpage\",destination_service=\"reviews.default.svc.cluster.local\",destination_subset=\"\",route=\"default\",response_code=\"200\"} 3", text);
        Assert.Contains("response_code=\"503\"} 1", text);
        Assert.Contains("# TYPE mesh_request_duration_seconds histogram", text);
        Assert.Contains("response_code_class=\"2xx\",le=\"+Inf\"} 3", text);
        Assert.Contains("mesh_upstream_connections{cluster=\"outbound|9080||reviews.default.svc.cluster.local\"}", text);
        Assert.Contains("mesh_upstream_ejected_endpoints{cluster=\"outbound|9080||reviews.default.svc.cluster.local\"} 0", text);
    }

    [Fact]
    public async Task QuitQuitQuitStopsTheProxyAfterAnswering()
    {
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFactory.Simple(backend));
        var lifetime = (Microsoft.Extensions.Hosting.IHostApplicationLifetime)proxy.Services.GetService(typeof(Microsoft.Extensions.Hosting.IHostApplicationLifetime))!;

        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await proxy.Admin.GetAsync("/quitquitquit")).StatusCode);
        using var response = await proxy.Admin.PostAsync("/quitquitquit", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.AssertAsync(() => Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested), "the host begins stopping");
    }

    [Fact]
    public async Task DrainingAnswersReady503AndLetsInFlightRequestsFinish()
    {
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFactory.Simple(backend), o => o.DrainTimeout = TimeSpan.FromSeconds(10));
        var inFlight = proxy.GetAsync("reviews", "/", m => m.Headers.Add("x-delay-ms", "1500"));
        await Eventually.AssertAsync(() => Task.FromResult(backend.RequestCount == 1), "the slow request reaches the backend");

        var stopping = proxy.StopAsync();
        await Eventually.AssertAsync(async () => (await proxy.Admin.GetAsync("/ready")).StatusCode == HttpStatusCode.ServiceUnavailable, "ready turns 503 while draining");

        using var response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await stopping;
    }
}
