using System.Net;
using Mesh.Proxy.Tests.Fixtures;

namespace Mesh.Proxy.Tests.Balancing;

/// <summary>
/// retries.retryRemoteLocalities with real traffic: one backend in the client's zone that always answers 503, one in
/// the other zone; locality failover (outlier detection set, but never ejecting) keeps first tries in the local zone.
/// Each case sends 10 requests with one retry each and counts what every backend received (no tolerance needed:
/// the choice is deterministic).
/// </summary>
public sealed class RetryRemoteLocalitiesTests : IAsyncLifetime
{
    private const int Requests = 10;

    private static readonly Dictionary<string, string> ClientInZ1 = new()
    {
        ["app"] = "client",
        ["topology.kubernetes.io/region"] = "r1",
        ["topology.kubernetes.io/zone"] = "z1",
    };

    private TestBackend _local = null!;
    private TestBackend _remote = null!;

    public async Task InitializeAsync()
    {
        _local = await TestBackend.StartAsync("z1-local");
        _remote = await TestBackend.StartAsync("z2-remote");
        _local.AlwaysFailWith = 503;
    }

    public async Task DisposeAsync()
    {
        await _local.DisposeAsync();
        await _remote.DisposeAsync();
    }

    [Fact]
    public async Task By_default_a_retry_stays_in_the_locality_the_first_try_used()
    {
        await using var proxy = await StartAsync(retryRemoteLocalities: false);

        for (var i = 0; i < Requests; i++)
        {
            using var response = await proxy.GetAsync("shop:9080");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        Assert.Equal(2 * Requests, _local.RequestCount);
        Assert.Equal(0, _remote.RequestCount);
    }

    [Fact]
    public async Task With_retry_remote_localities_the_retry_goes_to_the_next_locality()
    {
        await using var proxy = await StartAsync(retryRemoteLocalities: true);

        for (var i = 0; i < Requests; i++)
        {
            using var response = await proxy.GetAsync("shop:9080");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("z2-remote", response.Headers.GetValues("x-backend").Single());
        }

        Assert.Equal(Requests, _local.RequestCount);
        Assert.Equal(Requests, _remote.RequestCount);
    }

    private Task<ProxyUnderTest> StartAsync(bool retryRemoteLocalities)
    {
        var zone = ", topology.kubernetes.io/region: r1, topology.kubernetes.io/zone: ";
        var yaml = CompiledManifests.Service("shop", [("http", 9080)], [(_local, zone + "z1"), (_remote, zone + "z2")]) + $$"""
            ---
            apiVersion: mesh.io/v1alpha1
            kind: DestinationRule
            metadata: { name: shop, namespace: default }
            spec:
              host: shop
              trafficPolicy:
                loadBalancer: { simple: ROUND_ROBIN }
                outlierDetection: { consecutive5xxErrors: 1000000, interval: 10m }
            ---
            apiVersion: mesh.io/v1alpha1
            kind: VirtualService
            metadata: { name: shop, namespace: default }
            spec:
              hosts: [shop]
              http:
              - route: [{ destination: { host: shop } }]
                retries: { attempts: 1, retryOn: 5xx, retryRemoteLocalities: {{(retryRemoteLocalities ? "true" : "false")}} }
            """;
        return ProxyUnderTest.StartAsync(CompiledManifests.For(yaml, labels: ClientInZ1), options =>
        {
            options.NodeId = "default/client";
            options.Labels = ClientInZ1;
        });
    }
}
