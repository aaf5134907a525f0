using System.Diagnostics;
using Mesh.Proxy.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Proxy.Telemetry;

/// <summary>
/// A span per hop: the proxy continues the caller's trace, read from W3C <c>traceparent</c>/<c>tracestate</c>, else
/// B3 (<see cref="B3Propagation"/>), and, when the span is recorded, the upstream sees the proxy's span as its parent
/// in the formats of <see cref="ProxyOptions.TracePropagation"/>. Without a listener (no exporter configured) no span
/// is created and the caller's headers pass through unchanged, so propagation never depends on export, and a request
/// costs one <see cref="ActivitySource.HasListeners"/> check.
/// </summary>
internal static class ProxyTracing
{
    public const string SourceName = "Mesh.Proxy";

    public static readonly ActivitySource Source = new(SourceName);

    private const string FormatsProperty = "mesh.trace.formats";

    // The hop's formats ride on its Activity to Inject; boxed once per value, not per request.
    private static readonly object[] BoxedFormats = [.. Enumerable.Range(0, 8).Select(i => (object)(TraceFormats)i)];

    public static Activity? StartHop(HttpContext context, string direction, string host)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var headers = context.Request.Headers;
        if (!ActivityContext.TryParse(headers.TraceParent.ToString(), headers.TraceState.ToString(), isRemote: true, out var parent))
        {
            B3Propagation.TryExtract(headers, out parent);
        }

        var activity = Source.StartActivity($"{direction} {host}", direction == "inbound" ? ActivityKind.Server : ActivityKind.Client, parent);
        if (activity is not null)
        {
            // Per host (tests run several proxies in one process); only read while a span is being made.
            var formats = context.RequestServices.GetRequiredService<ProxyOptions>().TracePropagation;
            activity.SetCustomProperty(FormatsProperty, BoxedFormats[(int)formats & 7]);
        }

        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("http.request.method", context.Request.Method);
            activity.SetTag("url.path", context.Request.Path.Value);
            activity.SetTag("server.address", host);
        }

        return activity;
    }

    /// <summary>Replaces the forwarded trace headers, W3C and B3 alike, with the hop's span in its configured formats.</summary>
    public static void Inject(Activity? activity, HttpRequestMessage request)
    {
        if (activity?.Id is not { } id)
        {
            return;
        }

        var formats = activity.GetCustomProperty(FormatsProperty) is TraceFormats configured ? configured : TraceFormatNames.Default;
        request.Headers.Remove("traceparent");
        request.Headers.Remove("tracestate");
        B3Propagation.Remove(request);
        if (formats.HasFlag(TraceFormats.W3C))
        {
            request.Headers.TryAddWithoutValidation("traceparent", id);
            if (activity.TraceStateString is { Length: > 0 } state)
            {
                request.Headers.TryAddWithoutValidation("tracestate", state);
            }
        }

        if ((formats & (TraceFormats.B3Single | TraceFormats.B3Multi)) != 0)
        {
            B3Propagation.Inject(activity, request, formats.HasFlag(TraceFormats.B3Single), formats.HasFlag(TraceFormats.B3Multi));
        }
    }
}
