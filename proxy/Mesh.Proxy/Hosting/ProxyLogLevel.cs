using Serilog.Events;

namespace Mesh.Proxy.Hosting;

/// <summary>
/// The names <c>--log-level</c> (and the <c>mesh.io/proxy-log-level</c> annotation, injected as <c>MESH_LOG_LEVEL</c>)
/// accept: Istio's and Envoy's (trace, debug, info, warning, error, critical, off) and Serilog's (Verbose ... Fatal),
/// in any case.
/// </summary>
internal static class ProxyLogLevel
{
    public const string Names = "trace, debug, info, warning, error, critical, off (or Serilog's Verbose ... Fatal)";

    public static bool TryParse(string text, out LogEventLevel level)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "trace" or "verbose":
                level = LogEventLevel.Verbose;
                return true;
            case "debug":
                level = LogEventLevel.Debug;
                return true;
            case "info" or "information":
                level = LogEventLevel.Information;
                return true;
            case "warn" or "warning":
                level = LogEventLevel.Warning;
                return true;
            case "error":
                level = LogEventLevel.Error;
                return true;
            case "critical" or "fatal" or "off":
                level = LogEventLevel.Fatal;
                return true;
            default:
                level = LogEventLevel.Information;
                return false;
        }
    }
}
