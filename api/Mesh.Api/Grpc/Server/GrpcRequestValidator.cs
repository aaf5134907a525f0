using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Grpc;

/// <summary>
/// Checks that a request is gRPC over HTTP/2 before any handler runs, answering the rejections the spec and
/// the reference implementations give: 405 for non-POST, 415 for a non-gRPC content-type, 426 for HTTP/1.x,
/// UNIMPLEMENTED for a compression we do not support, INTERNAL for a malformed grpc-timeout.
/// </summary>
internal static class GrpcRequestValidator
{
    public static async Task<(bool Valid, TimeSpan? Timeout)> ValidateAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            context.Response.Headers.Allow = HttpMethods.Post;
            await GrpcHttpResponses.WriteHttpErrorAsync(context, StatusCodes.Status405MethodNotAllowed, StatusCode.Internal, $"Method '{request.Method}' is not allowed; gRPC uses POST.");
            return (false, null);
        }

        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            await GrpcHttpResponses.WriteHttpErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, StatusCode.Internal, $"Content-Type '{request.ContentType}' is not supported; expected '{GrpcProtocol.ContentType}'.");
            return (false, null);
        }

        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            context.Response.Headers.Upgrade = "h2c";
            await GrpcHttpResponses.WriteHttpErrorAsync(context, StatusCodes.Status426UpgradeRequired, StatusCode.Internal, $"Request protocol '{request.Protocol}' is not supported; gRPC needs HTTP/2.");
            return (false, null);
        }

        var encoding = request.Headers[GrpcProtocol.EncodingHeader].ToString();
        if (!GrpcProtocol.IsIdentityEncoding(encoding))
        {
            context.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.IdentityEncoding;
            await GrpcHttpResponses.WriteTrailersOnlyAsync(context, new Status(StatusCode.Unimplemented, $"Message encoding '{encoding}' is not supported; supported: {GrpcProtocol.IdentityEncoding}."));
            return (false, null);
        }

        var timeoutHeader = request.Headers[GrpcProtocol.TimeoutHeader];
        if (timeoutHeader.Count == 0)
        {
            return (true, null);
        }

        // grpc-go and grpc-js both answer a malformed timeout with INTERNAL rather than ignoring it.
        if (timeoutHeader.Count > 1 || !GrpcTimeout.TryParse(timeoutHeader.ToString(), out var timeout))
        {
            await GrpcHttpResponses.WriteTrailersOnlyAsync(context, new Status(StatusCode.Internal, $"Invalid grpc-timeout value '{timeoutHeader}'."));
            return (false, null);
        }

        return (true, timeout);
    }
}
