using Microsoft.Extensions.Logging;

namespace Mesh.Operator.Injection;

internal static partial class InjectionLog
{
    [LoggerMessage(1, LogLevel.Information, "Injected the sidecar into pod {Namespace}/{Pod} (entry {Entry}, {Reason}, template {Version})")]
    public static partial void Injected(ILogger logger, string @namespace, string pod, string entry, string reason, string version);

    [LoggerMessage(2, LogLevel.Debug, "Skipped injection into pod {Namespace}/{Pod} (entry {Entry}): {Reason}")]
    public static partial void Skipped(ILogger logger, string @namespace, string pod, string entry, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Denied pod {Namespace}/{Pod} (entry {Entry}): {Message}")]
    public static partial void Denied(ILogger logger, string @namespace, string pod, string entry, string message);

    [LoggerMessage(4, LogLevel.Warning, "Rejected a malformed AdmissionReview: {Message}")]
    public static partial void Malformed(ILogger logger, string message);

    [LoggerMessage(5, LogLevel.Warning, "Admitted pod {Namespace}/{Pod} without the sidecar: {Warning}")]
    public static partial void SkippedWithWarning(ILogger logger, string @namespace, string pod, string warning);
}
