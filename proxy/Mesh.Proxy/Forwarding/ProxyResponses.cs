using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Forwarding;

/// <summary>Answers the proxy produces itself: a status and a one-line plain-text reason.</summary>
internal static class ProxyResponses
{
    public const string OverloadedHeader = "x-mesh-overloaded";

    public static Task WriteAsync(HttpContext context, int status, string body)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(body + "\n", context.RequestAborted);
    }
}
