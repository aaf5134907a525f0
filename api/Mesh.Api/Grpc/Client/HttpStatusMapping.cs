using System.Net;

namespace Mesh.Api.Grpc;

/// <summary>
/// grpc/grpc doc/http-grpc-status-mapping.md: the status for an HTTP response that is not gRPC, and for a
/// stream reset by the peer (PROTOCOL-HTTP2.md, "Errors").
/// </summary>
internal static class HttpStatusMapping
{
    public static StatusCode ToStatusCode(HttpStatusCode httpStatus) => (int)httpStatus switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    public static StatusCode FromResetCode(long http2ErrorCode) => http2ErrorCode switch
    {
        0x0 or 0x1 or 0x2 or 0x3 or 0x4 or 0x5 or 0x6 or 0x9 or 0xA => StatusCode.Internal,
        0x7 => StatusCode.Unavailable,
        0x8 => StatusCode.Cancelled,
        0xB => StatusCode.ResourceExhausted,
        0xC => StatusCode.PermissionDenied,
        _ => StatusCode.Internal,
    };
}
