using System.Net;
using Mesh.Proxy.Admin;
using Mesh.Proxy.Capture;
using Mesh.Proxy.Clusters;
using Mesh.Proxy.Config;
using Mesh.Proxy.Forwarding;
using Mesh.Proxy.Identity;
using Mesh.Proxy.Inbound;
using Mesh.Proxy.Lifecycle;
using Mesh.Proxy.Runtime;
using Mesh.Proxy.Tcp;
using Mesh.Proxy.Telemetry;
using Mesh.Proxy.Telemetry.Reporting;
using Mesh.Proxy.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Mesh.Proxy.Hosting;

/// <summary>Builds the proxy host: three Kestrel listeners (outbound, inbound, admin) and the services behind them.</summary>
public static class ProxyHostBuilder
{
    internal const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";
    private const string MaxEnhanceYourCalmCountSwitch = "Microsoft.AspNetCore.Server.Kestrel.Http2.MaxEnhanceYourCalmCount";
    private const int MaxEnhanceYourCalmCount = 5;

    /// <param name="configureServices">Replaces or adds services (tests: a TimeProvider, config sources, log output).</param>
    public static WebApplication Build(ProxyOptions options, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bindAddress = IPAddress.Parse(options.BindAddress);

        // HTTP/2 rapid reset (CVE-2023-44487): Kestrel sends ENHANCE_YOUR_CALM to a client that opens streams while
        // too many are still tracked (reset ones included) and closes the connection after 5 × this many within its
        // 5-second window. Its default, 20, let a flood run through thousands of resets first; 5 closes it sooner.
        AppContext.SetData(MaxEnhanceYourCalmCountSwitch, MaxEnhanceYourCalmCount);
        var builder = WebApplication.CreateSlimBuilder();

        ProxyLogging.Configure(builder, options);

        var services = builder.Services;
        services.Configure<HostOptions>(o => o.ShutdownTimeout = options.DrainTimeout + TimeSpan.FromSeconds(5));
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpForwarder();
        services.AddSingleton<ListenerEndpoints>();
        services.AddSingleton<SnapshotHolder>();
        services.AddSingleton<UpstreamClientCache>();
        services.AddSingleton<ClusterBuilder>();
        services.AddSingleton<SnapshotBuilder>();
        services.AddSingleton<IConfigApplier, ConfigApplier>();
        services.AddSingleton<DrainState>();
        services.AddSingleton<ProxyMetrics>();
        services.AddSingleton<RequestTelemetry>();
        services.AddSingleton<MirrorSender>();
        services.AddSingleton<UpstreamSender>();
        services.AddSingleton<PassthroughSender>();
        services.AddSingleton<OutboundProxyMiddleware>();
        services.TryAddSingleton(new TcpProxyOptions());
        services.AddSingleton<TcpForwarder>();
        services.AddSingleton<TcpConnectionMiddleware>();
        services.AddSingleton<InboundProxyMiddleware>();
        services.AddSingleton(sp => new Mesh.Api.Security.LocalHostPolicy(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AdminMiddleware>();
        services.AddSingleton<ListenerDispatcher>();
        services.AddSingleton<CertificateContextCache>();
        services.AddSingleton<TlsMetrics>();
        services.AddSingleton<UpstreamTlsConnector>();
        services.AddSingleton<InboundMtlsPolicy>();
        services.AddSingleton<InboundTlsDetection>();
        services.AddSingleton<InboundTlsHandshake>();
        services.AddHostedService<ConfigSourceService>();
        services.AddSingleton<IHostedService, DrainService>();
        if (options.ConfigFile is not null)
        {
            services.AddSingleton<IProxyConfigSource, FileConfigSource>();
        }

        if (options.DiscoveryAddress is not null)
        {
            services.AddOptions<StreamConfigSourceOptions>();
            services.AddSingleton<IProxyConfigSource, StreamConfigSource>();
            services.AddOptions<TrafficReportOptions>().Configure(o => o.Interval = options.TrafficReportInterval);
            services.AddSingleton<ITrafficSampler>(sp => new TrafficSampler(
                sp.GetRequiredService<ProxyMetrics>(),
                sp.GetRequiredService<TimeProvider>(),
                options.SourceWorkload,
                sp.GetRequiredService<IOptions<TrafficReportOptions>>().Value.MaxEdges));
            services.AddOptions<WorkloadCertificateOptions>();
            services.AddSingleton<OperatorCertificateSource>();
            services.AddSingleton<IWorkloadCertificateSource>(sp => sp.GetRequiredService<OperatorCertificateSource>());
            services.AddHostedService(sp => sp.GetRequiredService<OperatorCertificateSource>());
        }
        else
        {
            services.AddSingleton<IWorkloadCertificateSource, NoWorkloadCertificateSource>();
        }

        if (options.AccessLog)
        {
            services.TryAddSingleton(new AccessLogOutput(Console.OpenStandardOutput()));
            services.AddSingleton<AccessLogWriter>();
            services.AddHostedService(sp => sp.GetRequiredService<AccessLogWriter>());
        }

        services.AddProxyTracing(options);

        // Last, so that a test's own registrations (a certificate source, say) win.
        configureServices?.Invoke(services);

        // Inline: Kestrel runs a connection's request handling on the thread its read completed on (with
        // InlineSocketCompletions, the epoll thread) rather than queuing it to the thread pool. Safe only because
        // nothing on those paths blocks; see the InlineIo section of the proxy's README.
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = options.InlineIo);

        ListenerEndpoints? endpoints = null;
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            endpoints = kestrel.ApplicationServices.GetRequiredService<ListenerEndpoints>();
            var drain = kestrel.ApplicationServices.GetRequiredService<DrainState>();
            kestrel.AddServerHeader = false;
            kestrel.AllowAlternateSchemes = true;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(bindAddress, options.OutboundPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.Use(StreamResetBudget.Middleware(kestrel.ApplicationServices.GetRequiredService<TimeProvider>()));
                listen.Use(OriginalDestinationDetection.Middleware);
                listen.Use(kestrel.ApplicationServices.GetRequiredService<TcpConnectionMiddleware>().Use);
                listen.Use(next => H2cPrefaceDetection.Middleware(next, () => drain.IsDraining));
                endpoints.Outbound = listen;
            });
            kestrel.Listen(bindAddress, options.InboundPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.Use(StreamResetBudget.Middleware(kestrel.ApplicationServices.GetRequiredService<TimeProvider>()));
                InboundMtlsListener.Configure(listen, kestrel.ApplicationServices, () => drain.IsDraining);
                endpoints.Inbound = listen;
            });
            kestrel.Listen(bindAddress, options.AdminPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                endpoints.Admin = listen;
            });
        });

        var app = builder.Build();

        var dispatcher = app.Services.GetRequiredService<ListenerDispatcher>();
        app.Run(dispatcher.InvokeAsync);
        return app;
    }

    private static Serilog.Events.LogEventLevel Max(Serilog.Events.LogEventLevel a, Serilog.Events.LogEventLevel b) => a > b ? a : b;
}
