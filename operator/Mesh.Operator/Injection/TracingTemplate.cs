namespace Mesh.Operator.Injection;

/// <summary>
/// Span export and trace headers of every injected proxy: its <c>--otlp-endpoint</c>, <c>--zipkin-endpoint</c> and
/// <c>--trace-propagation</c>, passed as <c>MESH_*</c> variables. A pod overrides each with
/// <c>mesh.io/otlp-endpoint</c>, <c>mesh.io/zipkin-endpoint</c> or <c>mesh.io/trace-propagation</c>. Empty means
/// unset, and the proxy keeps its own default: no export, W3C and B3 multi-header propagation.
/// </summary>
public sealed class TracingTemplate
{
    /// <summary>OTLP/HTTP collector base address, e.g. <c>http://otel-collector.observability:4318</c>. Default empty: no OTLP export.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Zipkin v2 JSON span endpoint, e.g. <c>http://zipkin.observability:9411/api/v2/spans</c>. Default empty: no Zipkin export.</summary>
    public string? ZipkinEndpoint { get; set; }

    /// <summary>Trace headers written on forwarded requests: comma-separated <c>w3c</c>, <c>b3</c>, <c>b3multi</c>. Default empty: the proxy's <c>w3c,b3multi</c>.</summary>
    public string? Propagation { get; set; }
}
