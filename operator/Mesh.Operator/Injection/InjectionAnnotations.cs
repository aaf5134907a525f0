namespace Mesh.Operator.Injection;

/// <summary>The pod annotations and namespace label that steer injection (the design's "Injection" section).</summary>
internal static class InjectionAnnotations
{
    public const string Inject = "mesh.io/inject";
    public const string NamespaceLabel = "mesh.io/injection";
    public const string Status = "mesh.io/status";
    public const string ProxyCpu = "mesh.io/proxy-cpu";
    public const string ProxyMemory = "mesh.io/proxy-memory";
    public const string ProxyCpuLimit = "mesh.io/proxy-cpu-limit";
    public const string ProxyMemoryLimit = "mesh.io/proxy-memory-limit";
    public const string ProxyLogLevel = "mesh.io/proxy-log-level";
    public const string ExcludeInboundPorts = "mesh.io/exclude-inbound-ports";
    public const string ExcludeOutboundPorts = "mesh.io/exclude-outbound-ports";
    public const string ExcludeOutboundIpRanges = "mesh.io/exclude-outbound-ip-ranges";
    public const string OtlpEndpoint = "mesh.io/otlp-endpoint";
    public const string ZipkinEndpoint = "mesh.io/zipkin-endpoint";
    public const string TracePropagation = "mesh.io/trace-propagation";
}
