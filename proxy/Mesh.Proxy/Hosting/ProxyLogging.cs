using Mesh.Proxy.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Events;

namespace Mesh.Proxy.Hosting;

/// <summary>The proxy's Serilog pipeline, configured in code: no reflection-based settings in the Native AOT binary.</summary>
internal static class ProxyLogging
{
    /// <summary>Above Fatal: a source overridden to it logs nothing, and its loggers report every level disabled.</summary>
    private const LogEventLevel Off = LogEventLevel.Fatal + 1;

    public static void Configure(WebApplicationBuilder builder, ProxyOptions options)
    {
        var minimum = options.LogLevel;
        var logger = new LoggerConfiguration()
            .MinimumLevel.Is(minimum)
            .MinimumLevel.Override("Microsoft", Max(minimum, LogEventLevel.Warning))

            // YARP logs every forwarded request at Information; the access log is the per-request record.
            .MinimumLevel.Override("Yarp", Max(minimum, LogEventLevel.Warning))

            // ASP.NET Core starts an Activity and a logging scope for every request whenever this category is enabled
            // at any level, for log correlation only. Its own messages (request starting/finished) are not wanted,
            // and the proxy's spans do not depend on that Activity (ProxyTracing).
            .MinimumLevel.Override(ProxyHostBuilder.HostingDiagnosticsCategory, Off)

            // Kestrel warns that an Http1AndHttp2 cleartext endpoint only speaks HTTP/1.1; H2cPrefaceDetection
            // makes that untrue for the proxy's listeners.
            .Filter.ByExcluding(e => e.MessageTemplate.Text.StartsWith("HTTP/2 is not enabled", StringComparison.Ordinal))
            .Filter.With(new ForwarderErrorLogLimiter(TimeProvider.System))

            // Through a bounded queue and its own thread: with inline I/O a log call runs on the socket threads
            // that serve every connection, and a console write blocks when the reader of standard error (a
            // container runtime, a pipe) falls behind. When the queue is full, events are dropped, not waited for.
            // Disposing the logger (dispose: true, at shutdown) drains the queue.
            .WriteTo.Async(
                sink => sink.Console(standardErrorFromLevel: LogEventLevel.Verbose),
                bufferSize: options.LogQueueCapacity,
                blockWhenFull: false)
            .CreateLogger();

        // Serilog.Extensions.Hosting: Serilog is the host's ILoggerFactory, so its levels above are the only filter.
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(logger, dispose: true);
    }

    private static LogEventLevel Max(LogEventLevel a, LogEventLevel b) => a > b ? a : b;
}
