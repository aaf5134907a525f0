using System.Diagnostics;
using Mesh.Proxy.Hosting;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Telemetry;

/// <summary>Records a finished request: the request metrics, the span's status and (when enabled) an access-log line.</summary>
internal sealed class RequestTelemetry
{
    private readonly ProxyMetrics _metrics;
    private readonly AccessLogWriter? _accessLog;
    private readonly TimeProvider _time;
    private readonly string _sourceWorkload;

    public RequestTelemetry(ProxyMetrics metrics, ProxyOptions options, TimeProvider time, IServiceProvider services)
    {
        _metrics = metrics;
        _time = time;
        _sourceWorkload = options.SourceWorkload;
        _accessLog = options.AccessLog ? (AccessLogWriter?)services.GetService(typeof(AccessLogWriter)) : null;
    }

    public void Record(HttpContext context, string direction, long startTimestamp, string destinationService, string destinationSubset, string route,
        string? cluster, string? upstreamHost, int attempts, Activity? activity, string? responseFlags = null, string? responseCodeDetails = null)
    {
        var elapsed = _time.GetElapsedTime(startTimestamp);
        var status = Forwarding.DownstreamFault.ResponseCode(context, responseFlags);
        _metrics.RecordRequest(new RequestLabels(direction, _sourceWorkload, destinationService, destinationSubset, route), status, elapsed.TotalSeconds);
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
            direction,
            context.Request.Method,
            context.Request.Host.Value ?? string.Empty,
            context.Request.Path.Value + context.Request.QueryString.Value,
            context.Request.Protocol,
            status,
            elapsed.TotalMilliseconds,
            route,
            cluster,
            upstreamHost,
            attempts,
            activity?.TraceId.ToString(),
            responseFlags,
            responseCodeDetails));
    }
}
