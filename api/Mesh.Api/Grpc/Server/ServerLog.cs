using Microsoft.Extensions.Logging;

namespace Mesh.Api.Grpc;

internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Error, "gRPC handler for {Method} threw; the call ends with {StatusCode}")]
    public static partial void HandlerFailed(ILogger logger, string method, StatusCode statusCode, Exception exception);

    [LoggerMessage(2, LogLevel.Debug, "gRPC call {Method} rejected with HTTP {HttpStatusCode}")]
    public static partial void CallRejected(ILogger logger, string method, int httpStatusCode);

    [LoggerMessage(3, LogLevel.Debug, "gRPC call {Method} ended with {StatusCode} {Detail}")]
    public static partial void CallEnded(ILogger logger, string method, StatusCode statusCode, string detail);
}
