using System.Net;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.Forwarding;

/// <summary>
/// VirtualService fields compiled from manifests by the real compiler and applied by the real proxy to real
/// requests: redirect.prefixRewrite and the deprecated mirrorPercent.
/// </summary>
public sealed class RouteFieldsFromManifestsTests
{
    [Fact]
    public async Task A_prefix_rewrite_redirect_replaces_only_the_matched_prefix_and_keeps_the_query()
    {
        await using var backend = await TestBackend.StartAsync("shop-v1");
        var yaml = CompiledManifests.Service("shop", [("http", 9080)], [(backend, "")]) + """
            ---
            apiVersion: mesh.io/v1alpha1
            kind: VirtualService
            metadata: { name: shop, namespace: default }
            spec:
              hosts: [shop]
              http:
              - match: [{ uri: { prefix: /old/ } }, { uri: { prefix: /legacy } }]
                redirect: { prefixRewrite: /new/, authority: shop.example, redirectCode: 308 }
              - route: [{ destination: { host: shop } }]

            """;
        await using var proxy = await ProxyUnderTest.StartAsync(CompiledManifests.For(yaml));

        using var first = await proxy.GetAsync("shop:9080", "/old/books/1?page=2");
        using var second = await proxy.GetAsync("shop:9080", "/legacy/books");
        using var other = await proxy.GetAsync("shop:9080", "/older");

        Assert.Equal((HttpStatusCode)308, first.StatusCode);
        Assert.Equal("http://shop.example:9080/new/books/1?page=2", first.Headers.Location!.OriginalString);
        Assert.Equal("http://shop.example:9080/new//books", second.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(1, backend.RequestCount);
    }

    [Fact]
    public async Task The_deprecated_mirrorPercent_mirrors_its_share_of_requests()
    {
        await using var v1 = await TestBackend.StartAsync("shop-v1");
        await using var v2 = await TestBackend.StartAsync("shop-v2");
        var yaml = CompiledManifests.Service("shop", [("http", 9080)], [(v1, ", version: v1"), (v2, ", version: v2")]) + """
            ---
            apiVersion: mesh.io/v1alpha1
            kind: DestinationRule
            metadata: { name: shop, namespace: default }
            spec:
              host: shop
              subsets: [{ name: v1, labels: { version: v1 } }, { name: v2, labels: { version: v2 } }]
            ---
            apiVersion: mesh.io/v1alpha1
            kind: VirtualService
            metadata: { name: shop, namespace: default }
            spec:
              hosts: [shop]
              http:
              - route: [{ destination: { host: shop, subset: v1 } }]
                mirror: { host: shop, subset: v2 }
                mirrorPercent: 25

            """;
        await using var proxy = await ProxyUnderTest.StartAsync(CompiledManifests.For(yaml));

        const int Requests = 400;
        for (var i = 0; i < Requests; i++)
        {
            using var response = await proxy.GetAsync("shop:9080", "/m");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // 400 samples at p = 0.25: σ ≈ 8.7 requests; 60..140 is beyond 4σ either side (100% would be 400).
        await Eventually.AssertAsync(() => Task.FromResult(v2.RequestCount >= 60), "the mirror gets its share");
        Assert.InRange(v2.RequestCount, 60, 140);
        Assert.Equal(Requests, v1.RequestCount);
    }
}
