using System.Net;
using Mesh.Proxy.Tests.Fixtures;
using Eventually = Mesh.Testing.Eventually;

namespace Mesh.Proxy.Tests.Clusters;

/// <summary>
/// connectionPool.http.http2KeepAlive compiled from a DestinationRule and applied by the real proxy: PINGs on the
/// upstream HTTP/2 connection while it sits idle, counted in the frames the backend receives.
/// </summary>
public sealed class Http2KeepAliveTests
{
    [Fact]
    public async Task An_idle_upstream_http2_connection_is_pinged_at_the_interval()
    {
        await using var backend = await Http2PingCountingBackend.StartAsync();
        await using var proxy = await StartAsync(backend, "http2KeepAlive: { interval: 1s, timeout: 5s }");

        using var response = await proxy.GetAsync("shop:9080");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The client's own PINGs for its window sizing follow received data; an idle connection gets only keepalives.
        var before = backend.Pings;
        await Eventually.AssertAsync(() => Task.FromResult(backend.Pings >= before + 2), "the idle connection gets PINGs", TimeSpan.FromSeconds(20));
    }

    private static Task<ProxyUnderTest> StartAsync(Http2PingCountingBackend backend, string http) =>
        ProxyUnderTest.StartAsync(CompiledManifests.For(
            CompiledManifests.Service("shop", [("http", 9080)], [("shop-v1", backend.Port, "")]) + $$"""
                ---
                apiVersion: mesh.io/v1alpha1
                kind: DestinationRule
                metadata: { name: shop, namespace: default }
                spec:
                  host: shop
                  trafficPolicy: { connectionPool: { http: { h2UpgradePolicy: UPGRADE, {{http}} } } }
                """));
}
