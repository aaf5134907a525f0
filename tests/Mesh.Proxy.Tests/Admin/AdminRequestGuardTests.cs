using System.Net;
using Mesh.Proxy.Tests.Fixtures;

namespace Mesh.Proxy.Tests.Admin;

/// <summary>The admin port against a browser's cross-site calls and DNS rebinding, over a real socket.</summary>
public sealed class AdminRequestGuardTests
{
    [Fact]
    public async Task A_cross_site_post_to_quitquitquit_is_refused_and_the_proxy_keeps_running()
    {
        await using var proxy = await ProxyUnderTest.StartAsync(new Api.V1.ProxyConfig());

        using var crossSite = await SendAsync(proxy, HttpMethod.Post, "/quitquitquit", request =>
        {
            request.Headers.Add("Origin", "http://evil.example");
            request.Content = new StringContent("x", System.Text.Encoding.UTF8, "text/plain");
        });
        using var fetchMetadata = await SendAsync(proxy, HttpMethod.Post, "/quitquitquit", request => request.Headers.Add("Sec-Fetch-Site", "cross-site"));
        using var rebound = await SendAsync(proxy, HttpMethod.Post, "/quitquitquit", request => request.Headers.Host = "evil.example:15000");

        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, fetchMetadata.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, rebound.StatusCode);
        Assert.Contains("cross-site", await crossSite.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var ready = await proxy.Admin.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Reads_need_a_local_host_except_the_probe_and_the_scrape()
    {
        await using var proxy = await ProxyUnderTest.StartAsync(new Api.V1.ProxyConfig());

        foreach (var path in new[] { "/config_dump", "/clusters" })
        {
            using var rebound = await SendAsync(proxy, HttpMethod.Get, path, request => request.Headers.Host = "rebound.example:15000");
            using var local = await SendAsync(proxy, HttpMethod.Get, path, request => request.Headers.Host = "localhost:15000");
            Assert.Equal(HttpStatusCode.Forbidden, rebound.StatusCode);
            Assert.Contains("rebound.example", await rebound.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        }

        foreach (var path in new[] { "/ready", "/stats/prometheus" })
        {
            using var anyHost = await SendAsync(proxy, HttpMethod.Get, path, request => request.Headers.Host = "mesh-proxy.example:15000");
            Assert.Equal(HttpStatusCode.OK, anyHost.StatusCode);
        }
    }

    [Fact]
    public async Task A_same_origin_post_from_inside_the_pod_still_stops_the_proxy()
    {
        await using var proxy = await ProxyUnderTest.StartAsync(new Api.V1.ProxyConfig());

        using var quit = await SendAsync(proxy, HttpMethod.Post, "/quitquitquit", request => request.Headers.Add("Origin", $"http://127.0.0.1:{proxy.AdminPort}"));

        Assert.Equal(HttpStatusCode.OK, quit.StatusCode);
    }

    private static Task<HttpResponseMessage> SendAsync(ProxyUnderTest proxy, HttpMethod method, string path, Action<HttpRequestMessage> configure)
    {
        var request = new HttpRequestMessage(method, path);
        configure(request);
        return proxy.Admin.SendAsync(request);
    }
}
