using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Telemetry;

/// <summary>
/// A span per hop: the proxy continues the caller's W3C trace (traceparent/tracestate) and, when the span is
/// recorded, the upstream sees the proxy's span as its parent. Without a listener (no --otlp-endpoint) no span
/// is created and the caller's headers pass through unchanged, so propagation never depends on export.
/// </summary>
internal static class ProxyTracing
{
    public const string SourceName = "Mesh.Proxy";

    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartHop(HttpContext context, string direction, string host)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var headers = context.Request.Headers;
        ActivityContext.TryParse(headers.TraceParent.ToString(), headers.TraceState.ToString(), isRemote: true, out var parent);
        var activity = Source.StartActivity($"{direction} {host}", direction == "inbound" ? ActivityKind.Server : ActivityKind.Client, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("http.request.method", context.Request.Method);
            activity.SetTag("url.path", context.Request.Path.Value);
            activity.SetTag("server.address", host);
        }

        return activity;
    }

    /// <summary>Replaces the forwarded trace headers with the hop's span.</summary>
    public static void Inject(Activity? activity, HttpRequestMessage request)
    {
        if (activity?.Id is not { } id)
        {
            return;
        }

        request.Headers.Remove("traceparent");
        request.Headers.Remove("tracestate");
        request.Headers.TryAddWithoutValidation("traceparent", id);
        if (activity.TraceStateString is { Length: > 0 } state)
        {
            request.Headers.TryAddWithoutValidation("tracestate", state);
        }
    }
}
