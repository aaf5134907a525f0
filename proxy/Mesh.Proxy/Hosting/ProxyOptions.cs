namespace Mesh.Proxy.Hosting;

/// <summary>
/// Everything <c>mesh-proxy run</c> is configured with. Each value comes from a flag or from the environment
/// variable <c>MESH_&lt;FLAG&gt;</c> (the sidecar injector sets the variables).
/// </summary>
public sealed class ProxyOptions
{
    /// <summary>The control plane's config stream, e.g. <c>http://mesh-operator.mesh-system:15010</c>. Null: no stream.</summary>
    public Uri? DiscoveryAddress { get; set; }

    /// <summary>Unique per proxy, conventionally <c>NAMESPACE/POD_NAME</c>. Defaults to the machine name.</summary>
    public string NodeId { get; set; } = Environment.MachineName;

    /// <summary>The workload's namespace. Default <c>default</c>.</summary>
    public string Namespace { get; set; } = "default";

    /// <summary>The workload's labels (<c>k=v,k=v</c> on the command line).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; set; } = new Dictionary<string, string>();

    /// <summary>The workload's service account. Default <c>default</c>.</summary>
    public string ServiceAccount { get; set; } = "default";

    /// <summary>
    /// The workload's IP, sent to the control plane in the stream's first request (the injected sidecar gets the pod IP
    /// from the downward API). Null: the operator records the connection's peer address, which NAT or a
    /// port-forward makes another address than the pod's.
    /// </summary>
    public string? Ip { get; set; }

    /// <summary>The outbound listener (HTTP/1.1 and h2c). Default 15001; 0 picks an ephemeral port.</summary>
    public int OutboundPort { get; set; } = 15001;

    /// <summary>The inbound listener. Default 15006; 0 picks an ephemeral port.</summary>
    public int InboundPort { get; set; } = 15006;

    /// <summary>The application's port on 127.0.0.1 that inbound traffic is forwarded to. Null: inbound answers 503.</summary>
    public int? AppPort { get; set; }

    /// <summary>The admin listener (/ready, /config_dump, /clusters, /stats/prometheus). Default 15000.</summary>
    public int AdminPort { get; set; } = 15000;

    /// <summary>
    /// The address every listener binds. Default 127.0.0.1, which is right for local mode. An injected sidecar binds
    /// 0.0.0.0: iptables REDIRECT in PREROUTING delivers captured inbound traffic to the pod IP (the address of the
    /// interface it came in on), not to 127.0.0.1, and kubelet probes the admin port on the pod IP.
    /// </summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>A static config file (<c>{"version":"...","config":{...}}</c>), watched and reloaded. Null: none.</summary>
    public string? ConfigFile { get; set; }

    /// <summary>Writes one JSON access-log line per proxied request to standard output. Default off.</summary>
    public bool AccessLog { get; set; }

    /// <summary>OTLP/HTTP collector base address for spans, e.g. <c>http://localhost:4318</c>. Null: no export.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>Zipkin v2 JSON span endpoint, e.g. <c>http://zipkin:9411/api/v2/spans</c> (Jaeger takes it too). Null: no export.</summary>
    public Uri? ZipkinEndpoint { get; set; }

    /// <summary>
    /// The trace-context headers written on forwarded requests while spans are recorded. Default W3C and B3 multi-header,
    /// as Istio's sidecars send; an incoming context is read from any format whatever this says.
    /// </summary>
    public Telemetry.TraceFormats TracePropagation { get; set; } = Telemetry.TraceFormatNames.Default;

    /// <summary>
    /// How often the proxy sends the operator a summary of its outbound traffic over the config stream, for the
    /// operator's dashboard (<c>/ui</c>). Default 5 s; <see cref="TimeSpan.Zero"/> turns reporting off. A report reads the
    /// counters the proxy keeps for <c>/stats/prometheus</c> anyway, so its cost is per report, not per request: 0.05 ms
    /// with one destination, 1.5 ms with 100 (build/bench/RESULTS.md, "Traffic reports").
    /// </summary>
    public TimeSpan TrafficReportInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs request handling and socket completions on the socket engine's threads instead of hopping to the thread
    /// pool for each, as Envoy runs a connection on one worker's event loop: Kestrel's
    /// <c>UnsafePreferInlineScheduling</c>, and from the command line also the runtime's
    /// <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c> (an explicitly set variable wins). Nothing on the
    /// proxy's socket paths blocks (the audit is in the proxy's README, "Inline I/O").
    /// Default true: on one pinned core it raised the closed-loop maximum from about 10,000 to 16,000-17,000
    /// requests/s and cut CPU per request by 40% (build/bench, 2026-12-02).
    /// </summary>
    public bool InlineIo { get; set; } = true;

    /// <summary>
    /// Log events queued for the console writer's thread; beyond it, events are dropped so that a slow reader of
    /// the proxy's output never stalls traffic. Default 10,000 (a few MB at most).
    /// </summary>
    public int LogQueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// The proxy's own log level (the access log is separate). Default Information; Microsoft and YARP stay at Warning
    /// or above unless this is stricter.
    /// </summary>
    public Serilog.Events.LogEventLevel LogLevel { get; set; } = Serilog.Events.LogEventLevel.Information;

    /// <summary>How long in-flight requests may take to finish after SIGTERM. Default 5 s (Istio's drain duration).</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Kube mode: the service-account token presented for a workload certificate, re-read on every request (the
    /// kubelet rotates it). Default the pod's mounted token.
    /// </summary>
    public string TokenFile { get; set; } = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    /// <summary>Local mode: a file holding the operator's bootstrap token (the operator writes it into its CA directory). Null: none.</summary>
    public string? BootstrapTokenFile { get; set; }

    /// <summary>Local mode: the bootstrap token itself (environment <c>MESH_BOOTSTRAP_TOKEN</c> only, never a flag). Null: none.</summary>
    public string? BootstrapToken { get; set; }

    /// <summary>The workload name used as the <c>source_workload</c> metric label: the <c>app</c> label, else the node id.</summary>
    public string SourceWorkload => Labels.TryGetValue("app", out var app) && app.Length > 0 ? app : NodeId;
}
