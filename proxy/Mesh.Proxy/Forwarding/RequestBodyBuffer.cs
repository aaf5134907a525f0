using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Proxy.Forwarding;

/// <summary>
/// Buffers a request body so that it can be sent again (retries, mirroring). Only bodies with a known length up
/// to <see cref="MaxReplayBytes"/> are buffered; larger or chunked bodies stream once and are not retried.
/// </summary>
internal static class RequestBodyBuffer
{
    public const int MaxReplayBytes = 64 * 1024;

    /// <summary>The buffered body (empty for a bodyless request), or null when the body cannot be replayed.</summary>
    public static async ValueTask<byte[]?> TryBufferAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false } || request.ContentLength == 0)
        {
            return [];
        }

        if (request.ContentLength is not { } length || length > MaxReplayBytes)
        {
            return null;
        }

        var body = new byte[length];
        await request.Body.ReadExactlyAsync(body, cancellationToken);
        return body;
    }
}
