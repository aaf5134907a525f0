using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;

namespace Mesh.Operator.Hosting;

/// <summary>The operator's logs: Serilog.AspNetCore as the host's logger factory, levels from <c>--log-level</c>.</summary>
internal static class OperatorLogging
{
    public static void Configure(WebApplicationBuilder builder, string level)
    {
        if (!Enum.TryParse<LogEventLevel>(level, ignoreCase: true, out var minimum) || !Enum.IsDefined(minimum))
        {
            throw new ArgumentException($"--log-level: '{level}' is not one of Verbose, Debug, Information, Warning, Error.");
        }

        var logger = new LoggerConfiguration()
            .MinimumLevel.Is(minimum)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}")
            .CreateLogger();
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(logger, dispose: true);
    }

    /// <summary>
    /// One line per request (method, path, status, elapsed) at Debug, Error for a 5xx or an exception: the webhook
    /// and the debug endpoints are called rarely enough that a line each is useful when debugging, and never
    /// otherwise. Health probes and scrapes are not logged.
    /// </summary>
    public static IApplicationBuilder UseDebugRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(options => options.GetLevel = static (context, _, exception) =>
            exception is not null || context.Response.StatusCode >= StatusCodes.Status500InternalServerError ? LogEventLevel.Error : LogEventLevel.Debug);
}
