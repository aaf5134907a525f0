using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Telemetry;

/// <summary>
/// Zipkin's B3 propagation (github.com/openzipkin/b3-propagation), as Envoy and Istio read and write it: trace ids
/// of 64 or 128 bits (a 64-bit id is left-padded with zeros to 128), lower-case hex; sampled <c>1</c>/<c>0</c>
/// (multi-header also <c>true</c>/<c>false</c>), debug (<c>d</c>, <c>X-B3-Flags: 1</c>) meaning sampled.
/// </summary>
internal static class B3Propagation
{
    public const string Single = "b3";
    public const string TraceId = "x-b3-traceid";
    public const string SpanId = "x-b3-spanid";
    public const string ParentSpanId = "x-b3-parentspanid";
    public const string Sampled = "x-b3-sampled";
    public const string Flags = "x-b3-flags";

    /// <summary>The caller's span from <c>b3</c>, else from the <c>X-B3-*</c> headers; false when neither holds a valid one.</summary>
    public static bool TryExtract(IHeaderDictionary headers, out ActivityContext context)
    {
        if (headers.TryGetValue(Single, out var single) && TryParseSingle(single.ToString(), out context))
        {
            return true;
        }

        context = default;
        if (!headers.TryGetValue(TraceId, out var traceId) || !headers.TryGetValue(SpanId, out var spanId))
        {
            return false;
        }

        var sampled = headers.TryGetValue(Flags, out var flags) && flags.ToString() == "1"
            ? true
            : headers.TryGetValue(Sampled, out var value) ? ParseSampled(value.ToString()) : null;
        return TryCreate(traceId.ToString(), spanId.ToString(), sampled, out context);
    }

    /// <summary>Writes the span as B3 single (<paramref name="single"/>) and/or multi headers.</summary>
    public static void Inject(Activity activity, HttpRequestMessage request, bool single, bool multi)
    {
        var traceId = activity.TraceId.ToHexString();
        var spanId = activity.SpanId.ToHexString();
        var sampled = activity.Recorded ? "1" : "0";
        var parent = activity.ParentSpanId == default ? null : activity.ParentSpanId.ToHexString();
        var headers = request.Headers;
        if (single)
        {
            headers.TryAddWithoutValidation(Single, parent is null ? $"{traceId}-{spanId}-{sampled}" : $"{traceId}-{spanId}-{sampled}-{parent}");
        }

        if (multi)
        {
            headers.TryAddWithoutValidation(TraceId, traceId);
            headers.TryAddWithoutValidation(SpanId, spanId);
            headers.TryAddWithoutValidation(Sampled, sampled);
            if (parent is not null)
            {
                headers.TryAddWithoutValidation(ParentSpanId, parent);
            }
        }
    }

    /// <summary>Removes every B3 header the caller sent, so that only the hop's own context goes on.</summary>
    public static void Remove(HttpRequestMessage request)
    {
        var headers = request.Headers;
        headers.Remove(Single);
        headers.Remove(TraceId);
        headers.Remove(SpanId);
        headers.Remove(ParentSpanId);
        headers.Remove(Sampled);
        headers.Remove(Flags);
    }

    private static bool TryParseSingle(string value, out ActivityContext context)
    {
        context = default;

        // TRACEID-SPANID[-SAMPLED[-PARENTSPANID]]; a lone sampling state ("0", "1", "d") carries no context.
        var parts = value.Trim().Split('-');
        if (parts.Length < 2 || parts.Length > 4)
        {
            return false;
        }

        bool? sampled = null;
        if (parts.Length >= 3)
        {
            sampled = parts[2] == "d" ? true : ParseSampled(parts[2]);
            if (sampled is null)
            {
                return false;
            }
        }

        return TryCreate(parts[0], parts[1], sampled, out context);
    }

    private static bool? ParseSampled(string value) => value switch
    {
        "1" or "true" => true,
        "0" or "false" => false,
        _ => null,
    };

    // An absent sampling state defers the decision to this hop, as W3C's unsampled flag with a sampler would; the proxy
    // records then (OpenTelemetry's parent-based sampler sees a sampled parent).
    private static bool TryCreate(string traceId, string spanId, bool? sampled, out ActivityContext context)
    {
        context = default;
        // All-zero ids are invalid, and ActivityTraceId/ActivitySpanId refuse them by throwing.
        if ((traceId.Length != 16 && traceId.Length != 32) || spanId.Length != 16 || !IsNonZeroLowerHex(traceId) || !IsNonZeroLowerHex(spanId))
        {
            return false;
        }

        Span<char> padded = stackalloc char[32];
        padded.Fill('0');
        traceId.AsSpan().CopyTo(padded[(32 - traceId.Length)..]);
        context = new ActivityContext(
            ActivityTraceId.CreateFromString(padded),
            ActivitySpanId.CreateFromString(spanId),
            sampled == false ? ActivityTraceFlags.None : ActivityTraceFlags.Recorded,
            isRemote: true);
        return true;
    }

    private static bool IsNonZeroLowerHex(string text)
    {
        var nonZero = false;
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }

            nonZero |= c != '0';
        }

        return nonZero;
    }
}
