using Microsoft.AspNetCore.Http;

namespace Mesh.Operator.Ui;

/// <summary>
/// Headers on every <c>/ui</c> response. The CSP allows only the operator's own scripts, styles and API (no inline
/// script or style, no other origin, not framed), so the page runs nothing it did not ship; assets revalidate by
/// ETag (they change with the operator's build), the API is never cached.
/// </summary>
internal static class UiHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers.CacheControl = context.HttpContext.Request.Path.StartsWithSegments("/ui/api") ? "no-store" : "no-cache";
        return next(context);
    }
}
