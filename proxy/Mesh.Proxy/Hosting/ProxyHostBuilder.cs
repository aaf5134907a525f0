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
using Mesh.Proxy.Telemetry;
using Mesh.Proxy.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;

namespace Mesh.Proxy.Hosting;

/// <summary>Builds the proxy host: three Kestrel listeners (outbound, inbound, admin) and the services behind them.</summary>
public static class ProxyHostBuilder
{
    internal const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <param name="configureServices">Replaces or adds services (tests: a TimeProvider, config sources, log output).</param>
    public static WebApplication Build(ProxyOptions options, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bindAddress = IPAddress.Parse(options.BindAddress);
        var builder = WebApplication.CreateSlimBuilder();

        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)

            // YARP logs every forwarded request at Information; the access log is the per-request record.
            .MinimumLevel.Override("Yarp", Serilog.Events.LogEventLevel.Warning)

            // Kestrel warns that an Http1AndHttp2 cleartext endpoint only speaks HTTP/1.1; H2cPrefaceDetection
            // makes that untrue for the proxy's listeners.
            .Filter.ByExcluding(e => e.MessageTemplate.Text.StartsWith("HTTP/2 is not enabled", StringComparison.Ordinal))
            // Through a bounded queue and its own thread: with inline I/O a log call runs on the socket threads
            // that serve every connection, and a console write blocks when the reader of standard error (a
            // container runtime, a pipe) falls behind. When the queue is full, events are dropped, not waited for.
            // Disposing the logger (dispose: true, at shutdown) drains the queue.
            .WriteTo.Async(
                sink => sink.Console(standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose),
                bufferSize: options.LogQueueCapacity,
                blockWhenFull: false)
            .CreateLogger(), dispose: true);

        // ASP.NET Core starts an Activity and a logging scope for every request whenever this category is enabled
        // at any level, for log correlation only. Its own messages (request starting/finished) are below the
        // Warning floor anyway, and the proxy's spans do not depend on that Activity (ProxyTracing). The rule names
        // Serilog's provider because AddSerilog adds a provider-specific rule, which outranks any generic one.
        builder.Logging.AddFilter<Serilog.Extensions.Logging.SerilogLoggerProvider>(HostingDiagnosticsCategory, LogLevel.None);

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
        services.AddSingleton<InboundProxyMiddleware>();
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

        if (options.OtlpEndpoint is { } otlp)
        {
            // OpenTelemetry.Extensions.Hosting is not served here: the tracer provider is built directly and the
            // container disposes it (flushing pending spans) on shutdown.
            services.AddSingleton(_ => Sdk.CreateTracerProviderBuilder()
                .ConfigureResource(r => r.AddService("mesh-proxy", serviceInstanceId: options.NodeId))
                .AddSource(ProxyTracing.SourceName)
                .AddOtlpExporter(o =>
                {
                    o.Protocol = OtlpExportProtocol.HttpProtobuf;
                    o.Endpoint = new Uri(otlp, "v1/traces");
                    o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 1000;
                })
                .Build());
        }

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
                listen.Use(OriginalDestinationDetection.Middleware);
                listen.Use(next => H2cPrefaceDetection.Middleware(next, () => drain.IsDraining));
                endpoints.Outbound = listen;
            });
            kestrel.Listen(bindAddress, options.InboundPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
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
        if (options.OtlpEndpoint is not null)
        {
            app.Services.GetRequiredService<TracerProvider>();
        }

        var dispatcher = app.Services.GetRequiredService<ListenerDispatcher>();
        app.Run(dispatcher.InvokeAsync);
        return app;
    }
}
