namespace Mesh.Operator.ConfigServer;

/// <summary>What <c>/debug/proxies</c> shows of one connected proxy.</summary>
public sealed record ProxyStatus(
    string Id,
    string Namespace,
    string Ip,
    DateTimeOffset ConnectedSince,
    string? AckedVersion,
    DateTimeOffset? AckedAt,
    string? SentVersion,
    bool AwaitingAnswer,
    NackRecord? LastNack,
    bool ReportsTraffic);

/// <summary>The last config a proxy rejected and why.</summary>
public sealed record NackRecord(string Version, int Code, string Message, DateTimeOffset At);
