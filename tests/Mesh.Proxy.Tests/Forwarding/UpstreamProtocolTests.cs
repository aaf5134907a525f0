using System.Net;
using System.Net.Http.Json;
using Mesh.Api.V1;
using Mesh.Proxy.Tests.Fixtures;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Mesh.Proxy.Tests.Forwarding;

public sealed class UpstreamProtocolTests
{
    [Fact]
    public async Task Http2ClustersAreCalledWithH2cPriorKnowledge()
    {
        await using var backend = await TestBackend.StartAsync("grpc-like", HttpProtocols.Http2);
        var config = ConfigFactory.Simple(backend);
        config.Clusters[0].Protocol = UpstreamProtocol.Http2;
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        using var response = await proxy.GetAsync("reviews");
        var echo = await response.Content.ReadFromJsonAsync<BackendEcho>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("HTTP/2", echo!.Protocol);
    }

    [Fact]
    public async Task PerTryTimeoutRetriesASlowTryOnTheNextAttempt()
    {
        await using var backend = await TestBackend.StartAsync("slow-once");
        var config = ConfigFactory.Simple(backend);
        config.VirtualHosts[0].Routes[0].Retries = new RetryPolicy { Attempts = 2, PerTryTimeout = ConfigFactory.Ms(300), RetryOn = { "gateway-error" } };
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        backend.DelayNext(1, 5000);

        using var response = await proxy.GetAsync("reviews");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, backend.RequestCount);
    }

    [Fact]
    public async Task UpstreamSeesTheClientAuthorityNotTheEndpointAddress()
    {
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFactory.Simple(backend));

        var echo = await (await proxy.GetAsync("reviews.default:9080")).Content.ReadFromJsonAsync<BackendEcho>();

        Assert.Equal("reviews.default:9080", echo!.Headers["host"]);
    }
}
