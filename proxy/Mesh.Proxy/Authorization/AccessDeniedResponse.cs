using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Authorization;

/// <summary>The answer to a request authorization denies, byte for byte what Envoy's RBAC filter sends.</summary>
internal static class AccessDeniedResponse
{
    public const string Body = "RBAC: access denied";

    /// <summary>
    /// The access log's response flag. Envoy sets none for RBAC denials (only response code details), so the
    /// filter's name is used to make denials greppable next to Envoy's flags such as <c>RL</c>.
    /// </summary>
    public const string ResponseFlag = "RBAC";

    /// <summary>Envoy's response code details when ALLOW policies exist and none matched.</summary>
    public const string NoPolicyMatchedDetails = "rbac_access_denied_matched_policy[none]";

    public static Task WriteAsync(HttpContext context)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }

        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/plain";
        context.Response.ContentLength = Body.Length;
        return context.Response.WriteAsync(Body, context.RequestAborted);
    }
}
