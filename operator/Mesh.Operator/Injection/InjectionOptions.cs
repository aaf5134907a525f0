namespace Mesh.Operator.Injection;

/// <summary>
/// The injection template: what the webhook adds to a pod. Bound from code or from a JSON/YAML file a ConfigMap
/// supplies (<see cref="InjectionTemplate.Load"/>); every property has a documented default.
/// </summary>
public sealed class InjectionOptions
{
    /// <summary>Image of the sidecar and of the init container (both run <c>mesh-proxy</c>). Default <c>ghcr.io/mesh/mesh-proxy:0.1.0</c>.</summary>
    public string ProxyImage { get; set; } = "ghcr.io/mesh/mesh-proxy:0.1.0";

    /// <summary><c>imagePullPolicy</c> of both injected containers. Default <c>IfNotPresent</c>.</summary>
    public string ImagePullPolicy { get; set; } = "IfNotPresent";

    /// <summary>Where the proxy streams its config from (<c>MESH_DISCOVERY_ADDRESS</c>). Default <c>http://mesh-operator.mesh-system.svc:15010</c>.</summary>
    public string DiscoveryAddress { get; set; } = "http://mesh-operator.mesh-system.svc:15010";

    /// <summary>
    /// Inject the proxy as a native sidecar (an init container with <c>restartPolicy: Always</c>, Kubernetes 1.29+)
    /// so the app starts only once the proxy is ready and Jobs finish; false puts it first in <c>containers</c>.
    /// Default true.
    /// </summary>
    public bool NativeSidecars { get; set; } = true;

    /// <summary>Port of the outbound listener, where iptables redirects the pod's outgoing traffic. Default 15001.</summary>
    public int OutboundPort { get; set; } = 15001;

    /// <summary>Port of the inbound listener, where iptables redirects the pod's incoming traffic. Default 15006.</summary>
    public int InboundPort { get; set; } = 15006;

    /// <summary>Port of the admin endpoint (<c>/ready</c>, <c>/stats/prometheus</c>), named <c>mesh-admin</c>. Default 15000.</summary>
    public int AdminPort { get; set; } = 15000;

    /// <summary>UID and GID the proxy runs as; the init container exempts this UID from capture. Default 1337.</summary>
    public long ProxyUid { get; set; } = 1337;

    /// <summary>
    /// The proxy's resources; as Istio's <c>sidecar.istio.io/proxyCPU</c> and friends, <c>mesh.io/proxy-cpu</c> /
    /// <c>mesh.io/proxy-memory</c> override one request for one pod and <c>mesh.io/proxy-cpu-limit</c> /
    /// <c>mesh.io/proxy-memory-limit</c> one limit (a request left above its limit denies the pod).
    /// Default requests 100m CPU / 128Mi, limits 1 CPU / 512Mi: enough for a YARP proxy under moderate load
    /// without reserving much on every node.
    /// </summary>
    public ProxyResources Resources { get; set; } = new();

    /// <summary>Span export and trace headers of the injected proxies, overridable per pod. Default: the proxy's own (no export).</summary>
    public TracingTemplate Tracing { get; set; } = new();

    /// <summary>
    /// How often injected proxies report their traffic to the operator's dashboard (<c>--traffic-report-interval</c>,
    /// e.g. <c>5s</c>; <c>0</c> turns reports off). Default empty: the proxy's default, 5 s.
    /// </summary>
    public string? TrafficReportInterval { get; set; }

    /// <summary>
    /// The operator's namespace: its pods are never injected (the chart's webhook entries never send them, and the
    /// operator must not depend on itself to start). Set by the host from <c>--namespace</c> / <c>POD_NAMESPACE</c>,
    /// not by the template file. Default <c>mesh-system</c>.
    /// </summary>
    public string OperatorNamespace { get; set; } = "mesh-system";

    /// <summary>Largest AdmissionReview body accepted, in bytes. Default 3 MiB, the most the API server sends.</summary>
    public int MaxReviewBytes { get; set; } = 3 * 1024 * 1024;
}

/// <summary>CPU and memory quantities of the proxy container, in Kubernetes quantity syntax.</summary>
public sealed class ProxyResources
{
    /// <summary>CPU request. Default <c>100m</c>.</summary>
    public string CpuRequest { get; set; } = "100m";

    /// <summary>Memory request. Default <c>128Mi</c>.</summary>
    public string MemoryRequest { get; set; } = "128Mi";

    /// <summary>CPU limit. Default <c>1</c>.</summary>
    public string CpuLimit { get; set; } = "1";

    /// <summary>Memory limit. Default <c>512Mi</c>.</summary>
    public string MemoryLimit { get; set; } = "512Mi";
}
