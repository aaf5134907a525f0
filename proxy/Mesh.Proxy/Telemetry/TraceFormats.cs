namespace Mesh.Proxy.Telemetry;

/// <summary>
/// The trace-context headers the proxy writes on the requests it forwards (<c>--trace-propagation</c>). Whatever
/// this says, an incoming request's context is read from any of them: W3C first, then B3 single, then B3 multi.
/// </summary>
[Flags]
public enum TraceFormats
{
    None = 0,

    /// <summary>W3C Trace Context: <c>traceparent</c> and <c>tracestate</c>.</summary>
    W3C = 1,

    /// <summary>Zipkin B3, one header: <c>b3: TRACEID-SPANID-SAMPLED-PARENTSPANID</c>.</summary>
    B3Single = 2,

    /// <summary>Zipkin B3, several headers: <c>X-B3-TraceId</c>, <c>X-B3-SpanId</c>, <c>X-B3-ParentSpanId</c>, <c>X-B3-Sampled</c>.</summary>
    B3Multi = 4,
}

/// <summary>The text form of <see cref="TraceFormats"/>: a comma-separated list of <c>w3c</c>, <c>b3</c> and <c>b3multi</c>.</summary>
internal static class TraceFormatNames
{
    public const string Names = "w3c, b3 (single header), b3multi (X-B3-* headers)";

    /// <summary>Istio's default: its sidecars send both W3C and B3 multi-header context.</summary>
    public const TraceFormats Default = TraceFormats.W3C | TraceFormats.B3Multi;

    public static bool TryParse(string text, out TraceFormats formats)
    {
        formats = TraceFormats.None;
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            TraceFormats format;
            switch (name.ToLowerInvariant())
            {
                case "w3c" or "tracecontext":
                    format = TraceFormats.W3C;
                    break;
                case "b3":
                    format = TraceFormats.B3Single;
                    break;
                case "b3multi":
                    format = TraceFormats.B3Multi;
                    break;
                default:
                    formats = TraceFormats.None;
                    return false;
            }

            formats |= format;
        }

        return formats != TraceFormats.None;
    }
}
