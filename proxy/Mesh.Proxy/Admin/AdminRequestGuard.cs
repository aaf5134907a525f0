using System.Net;
using Mesh.Api.Security;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Admin;

/// <summary>
/// Keeps the admin port to the pod's own callers. Every path but the probe (<c>/ready</c>) and the scrape
/// (<c>/stats/prometheus</c>) needs a Host naming this machine (<see cref="LocalHostPolicy"/>), which defeats DNS
/// rebinding; a state-changing call (any method but GET/HEAD, e.g. <c>POST /quitquitquit</c>) also needs a loopback
/// peer and no foreign <c>Origin</c> or cross-site <c>Sec-Fetch-Site</c>, which defeats a browser's cross-site POST.
/// </summary>
internal static class AdminRequestGuard
{
    /// <summary>Null when the request may go on, else why it is refused (answered with 403).</summary>
    public static string? Refusal(HttpContext context, LocalHostPolicy policy)
    {
        var request = context.Request;
        var reads = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        if (reads && request.Path.Value is "/ready" or "/stats/prometheus")
        {
            return null;
        }

        if (!policy.IsAllowedHost(request.Host.Value))
        {
            return $"admin: Host '{request.Host.Value}' is not this pod (use localhost, 127.0.0.1 or the pod's IP)";
        }

        if (reads)
        {
            return null;
        }

        var origin = request.Headers.Origin.ToString();
        if (!policy.IsAllowedOrigin(origin) || string.Equals(request.Headers["Sec-Fetch-Site"], "cross-site", StringComparison.OrdinalIgnoreCase))
        {
            return $"admin: cross-site request refused (Origin '{origin}')";
        }

        return context.Connection.RemoteIpAddress is { } peer && IPAddress.IsLoopback(peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer)
            ? null
            : "admin: state-changing calls are accepted only from inside the pod (loopback)";
    }
}
