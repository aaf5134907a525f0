using System.Diagnostics;
using Mesh.Proxy.Hosting;
using Mesh.Proxy.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Proxy.Tests.Hosting;

/// <summary>Settings of the host that keep per-request work off the proxy's hot path.</summary>
public sealed class HotPathSettingsTests
{
    [Fact]
    public async Task InlineIoIsOnByDefaultAndTurnsOnKestrelInlineScheduling()
    {
        Assert.True(new ProxyOptions().InlineIo);

        await using var inline = ProxyHostBuilder.Build(new ProxyOptions { OutboundPort = 0, InboundPort = 0, AdminPort = 0 });
        await using var hopping = ProxyHostBuilder.Build(new ProxyOptions { OutboundPort = 0, InboundPort = 0, AdminPort = 0, InlineIo = false });

        Assert.True(inline.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
        Assert.False(hopping.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
    }

    [Fact]
    public async Task ARequestRunsWithoutAHostingActivityWhileWarningsStillReachTheLog()
    {
        await using var backend = await TestBackend.StartAsync("v1");
        var seen = new ActivitySeen();
        await using var proxy = await ProxyUnderTest.StartAsync(
            ConfigFactory.Simple(backend), services: s => s.AddSingleton<IStartupFilter>(seen));

        using var response = await proxy.GetAsync("reviews.default.svc.cluster.local:9080");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, seen.Requests);
        Assert.Equal(0, seen.WithActivity);
        var logs = proxy.Services.GetRequiredService<ILoggerFactory>();
        Assert.False(logs.CreateLogger(ProxyHostBuilder.HostingDiagnosticsCategory).IsEnabled(LogLevel.Critical));
        Assert.True(logs.CreateLogger("Microsoft.AspNetCore.Server.Kestrel").IsEnabled(LogLevel.Warning));
    }

    /// <summary>Counts the requests that reach the pipeline with an Activity (ASP.NET Core's per-request one).</summary>
    private sealed class ActivitySeen : IStartupFilter
    {
        private int _requests;
        private int _withActivity;

        public int Requests => Volatile.Read(ref _requests);

        public int WithActivity => Volatile.Read(ref _withActivity);

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate following) =>
            {
                Interlocked.Increment(ref _requests);
                if (Activity.Current is not null || context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpActivityFeature>() is not null)
                {
                    Interlocked.Increment(ref _withActivity);
                }

                return following(context);
            });
            next(app);
        };
    }
}
