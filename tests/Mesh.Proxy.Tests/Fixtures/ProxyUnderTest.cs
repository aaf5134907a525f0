using System.Net;
using Mesh.Api.V1;
using Mesh.Proxy.Config;
using Mesh.Proxy.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Proxy.Tests.Fixtures;

/// <summary>The real proxy host started in-process on ephemeral ports, with clients for its three listeners.</summary>
public sealed class ProxyUnderTest : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ProxyUnderTest(WebApplication app, ProxyOptions options)
    {
        _app = app;
        Options = options;
        var endpoints = app.Services.GetRequiredService<ListenerEndpoints>();
        OutboundPort = endpoints.OutboundPort;
        InboundPort = endpoints.InboundPort;
        AdminPort = endpoints.AdminPort;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{OutboundPort}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{AdminPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public ProxyOptions Options { get; }

    public int OutboundPort { get; }

    public int InboundPort { get; }

    public int AdminPort { get; }

    /// <summary>Talks to the outbound listener; set the Host header (or use <see cref="GetAsync"/>).</summary>
    public HttpClient Client { get; }

    public HttpClient Admin { get; }

    public IServiceProvider Services => _app.Services;

    public IConfigApplier Applier => _app.Services.GetRequiredService<IConfigApplier>();

    public static async Task<ProxyUnderTest> StartAsync(ProxyConfig? config = null, Action<ProxyOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var options = new ProxyOptions { OutboundPort = 0, InboundPort = 0, AdminPort = 0, NodeId = "default/test-proxy" };
        configure?.Invoke(options);
        var app = ProxyHostBuilder.Build(options, services);
        await app.StartAsync();
        var proxy = new ProxyUnderTest(app, options);
        if (config is not null)
        {
            var result = proxy.Applier.Apply("v1", config);
            Assert.True(result.Accepted, result.Error);
        }

        return proxy;
    }

    public Task<HttpResponseMessage> GetAsync(string authority, string pathAndQuery = "/", Action<HttpRequestMessage>? configure = null) =>
        SendAsync(HttpMethod.Get, authority, pathAndQuery, configure);

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string authority, string pathAndQuery, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, pathAndQuery);
        request.Headers.Host = authority;
        configure?.Invoke(request);
        return Client.SendAsync(request);
    }

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
