using System.Net;
using System.Net.Http.Json;
using Mesh.Proxy.Tests.Fixtures;

namespace Mesh.Proxy.Tests.Hosting;

public sealed class InboundTests
{
    [Fact]
    public async Task InboundForwardsToTheAppPortAndPropagatesTraceparent()
    {
        await using var app = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(configure: o => o.AppPort = app.Port);
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{proxy.InboundPort}/inside");
        const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        request.Headers.Add("traceparent", TraceParent);

        using var response = await client.SendAsync(request);
        var echo = await response.Content.ReadFromJsonAsync<BackendEcho>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/inside", echo!.Path);
        Assert.Contains("0af7651916cd43dd8448eb211c80319c", echo.Headers["traceparent"]);
    }
}
