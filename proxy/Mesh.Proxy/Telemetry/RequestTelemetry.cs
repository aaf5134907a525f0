using System.Diagnostics;
using Mesh.Proxy.Hosting;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Telemetry;

/// <summary>Records a finished request: the request metrics, the span's status and (when enabled) an access-log line.</summary>
internal sealed class RequestTelemetry
{
    private readonly AccessLogWriter? _accessLog;
    private readonly TimeProvider _time;

    public RequestTelemetry(ProxyOptions options, TimeProvider time, IServiceProvider services)
    {
        _time = time;
        _accessLog = options.AccessLog ? (AccessLogWriter?)services.GetService(typeof(AccessLogWriter)) : null;
    }

    /// <param name="series">The request's metrics, bound to its labels when the snapshot was built.</param>
    public void Record(HttpContext context, RequestSeries series, long startTimestamp, string? cluster, string? upstreamHost, int attempts, Activity? activity, string? responseFlags = null, string? responseCodeDetails = null)
    {
        var elapsed = _time.GetElapsedTime(startTimestamp);
        var status = Forwarding.DownstreamFault.ResponseCode(context, responseFlags);
        series.Record(status, elapsed.TotalSeconds);
        if (activity is not null)
        {
            activity.SetTag("http.response.status_code", status);
            if (status >= 500)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }

        _accessLog?.Write(new AccessLogEntry(
            _time.GetUtcNow() - elapsed,
            series.Direction,
            context.Request.Method,
            context.Request.Host.Value ?? string.Empty,
            context.Request.Path.Value + context.Request.QueryString.Value,
            context.Request.Protocol,
            status,
            elapsed.TotalMilliseconds,
            series.Route,
            cluster,
            upstreamHost,
            attempts,
            activity?.TraceId.ToString(),
            responseFlags,
            responseCodeDetails));
    }
}
