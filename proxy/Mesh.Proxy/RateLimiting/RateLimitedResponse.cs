using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.RateLimiting;

/// <summary>The answer to a request over a rate limit: 429 with Envoy's local rate limit body and a Retry-After.</summary>
internal static class RateLimitedResponse
{
    public const string Body = "local_rate_limited";

    /// <summary>Envoy's access-log response flag for a locally rate-limited request.</summary>
    public const string ResponseFlag = "RL";

    public const string ResponseCodeDetails = "local_rate_limited";

    private static readonly string[] Seconds = [.. Enumerable.Range(0, 61).Select(s => s.ToString(CultureInfo.InvariantCulture))];

    /// <summary>Whole seconds until a token is free, rounded up and at least 1 (Retry-After has no fractions).</summary>
    public static long RetryAfterSeconds(long waitTicks, long frequency) => Math.Max(1, (waitTicks + frequency - 1) / frequency);

    public static Task WriteAsync(HttpContext context, long retryAfterSeconds)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }

        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.ContentType = "text/plain";
        context.Response.ContentLength = Body.Length;
        context.Response.Headers.RetryAfter = retryAfterSeconds < Seconds.Length
            ? Seconds[retryAfterSeconds]
            : retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return context.Response.WriteAsync(Body, context.RequestAborted);
    }
}
