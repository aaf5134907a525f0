namespace Mesh.Proxy.Telemetry;

/// <summary>What one access-log line records about a proxied request.</summary>
internal sealed record AccessLogEntry(
    DateTimeOffset Start,
    string Direction,
    string Method,
    string Authority,
    string Path,
    string Protocol,
    int Status,
    double DurationMs,
    string Route,
    string? UpstreamCluster,
    string? UpstreamHost,
    int Attempts,
    string? TraceId,
    string? ResponseFlags = null,
    string? ResponseCodeDetails = null);
