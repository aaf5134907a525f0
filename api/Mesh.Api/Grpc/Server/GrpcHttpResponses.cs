using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Api.Grpc;

/// <summary>Writes the status of a call: Trailers-Only before any message, trailers after.</summary>
internal static class GrpcHttpResponses
{
    /// <summary>
    /// Ends the call with <paramref name="status"/>. Before the response started this is a Trailers-Only
    /// response: one HEADERS frame carrying the status that ends the stream.
    /// </summary>
    public static void WriteStatus(HttpResponse response, Status status, Metadata? trailers, bool bodyWritten = false)
    {
        if (!response.HasStarted && !bodyWritten)
        {
            var headers = response.Headers;
            headers[GrpcProtocol.StatusHeader] = FormatCode(status.StatusCode);
            if (!string.IsNullOrEmpty(status.Detail))
            {
                headers[GrpcProtocol.MessageHeader] = StatusMessageEncoding.Encode(status.Detail);
            }

            if (trailers is not null)
            {
                MetadataHeaders.CopyTo(trailers, headers);
            }

            return;
        }

        var trailersFeature = response.HttpContext.Features.Get<IHttpResponseTrailersFeature>()
            ?? throw new InvalidOperationException("The server does not support response trailers; gRPC needs HTTP/2.");
        var trailerHeaders = trailersFeature.Trailers;
        trailerHeaders[GrpcProtocol.StatusHeader] = FormatCode(status.StatusCode);
        if (!string.IsNullOrEmpty(status.Detail))
        {
            trailerHeaders[GrpcProtocol.MessageHeader] = StatusMessageEncoding.Encode(status.Detail);
        }

        if (trailers is not null)
        {
            MetadataHeaders.CopyTo(trailers, trailerHeaders);
        }
    }

    /// <summary>A Trailers-Only gRPC error for a request that is valid HTTP/2 gRPC but cannot be served.</summary>
    public static Task WriteTrailersOnlyAsync(HttpContext context, Status status)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = GrpcProtocol.ContentType;
        WriteStatus(context.Response, status, trailers: null);
        return Task.CompletedTask;
    }

    /// <summary>
    /// An HTTP-level rejection (not gRPC over HTTP/2 at all), with a grpc-status header too so that gRPC clients
    /// still see a reason.
    /// </summary>
    public static Task WriteHttpErrorAsync(HttpContext context, int httpStatusCode, StatusCode statusCode, string detail)
    {
        context.Response.StatusCode = httpStatusCode;
        context.Response.Headers[GrpcProtocol.StatusHeader] = FormatCode(statusCode);
        context.Response.Headers[GrpcProtocol.MessageHeader] = StatusMessageEncoding.Encode(detail);
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(detail, context.RequestAborted);
    }

    private static string FormatCode(StatusCode code) => ((int)code).ToString(CultureInfo.InvariantCulture);
}
