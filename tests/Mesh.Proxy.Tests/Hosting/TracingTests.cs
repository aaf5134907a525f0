using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Proxy.Tests.Hosting;

public sealed class TracingTests
{
    [Fact]
    public async Task WithAnOtlpEndpointTheProxyAddsItsSpanToTheTraceAndExportsIt()
    {
        var exports = new ConcurrentQueue<byte[]>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var collector = builder.Build();
        collector.MapPost("/v1/traces", async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            exports.Enqueue(body.ToArray());
        });
        await collector.StartAsync();
        var collectorUri = new Uri(collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFactory.Simple(backend), o => o.OtlpEndpoint = collectorUri);
        const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        const string CallerSpan = "00f067aa0ba902b7";

        var echo = await (await proxy.GetAsync("reviews", "/", m => m.Headers.Add("traceparent", $"00-{TraceId}-{CallerSpan}-01"))).Content.ReadFromJsonAsync<BackendEcho>();

        var forwarded = echo!.Headers["traceparent"].Split('-');
        Assert.Equal(TraceId, forwarded[1]);
        Assert.NotEqual(CallerSpan, forwarded[2]);
        var traceIdBytes = Convert.FromHexString(TraceId);
        var spanIdBytes = Convert.FromHexString(forwarded[2]);
        await Eventually.AssertAsync(
            () => Task.FromResult(exports.Any(e => e.AsSpan().IndexOf(traceIdBytes) >= 0 && e.AsSpan().IndexOf(spanIdBytes) >= 0)),
            "the collector receives the proxy's span (its trace id and span id in the OTLP protobuf)");
    }
}
