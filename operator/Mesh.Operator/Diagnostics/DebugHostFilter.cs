using Mesh.Api.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Operator.Diagnostics;

/// <summary>
/// Guards <c>/debug/*</c> against DNS rebinding: the Host must name this machine (loopback, or one of its own
/// addresses, which in a pod is the pod IP; <see cref="LocalHostPolicy"/>), else 403. <c>/healthz</c>, <c>/readyz</c>
/// and <c>/metrics</c> stay open to kubelet and Prometheus whatever Host they send.
/// </summary>
internal static class DebugHostFilter
{
    public static ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var policy = http.RequestServices.GetRequiredService<LocalHostPolicy>();
        var host = http.Request.Host.Value;
        if (!policy.IsAllowedHost(host) || !policy.IsAllowedOrigin(http.Request.Headers.Origin.ToString()))
        {
            return ValueTask.FromResult<object?>(Results.Text(
                $"debug endpoints answer only Host localhost, 127.0.0.1 or this pod's IP, not '{host}'\n", statusCode: StatusCodes.Status403Forbidden));
        }

        return next(context);
    }
}
