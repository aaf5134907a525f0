using Mesh.Operator.ConfigServer;
using Prometheus;

namespace Mesh.Operator.Telemetry;

/// <summary>The operator's metrics, named as the design's observability contract fixes them, in this host's registry.</summary>
internal sealed class OperatorMetrics
{
    private static readonly double[] ConvergenceBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    // Compile buckets: 1 ms (a handful of resources) to 10 s (a mesh far past the thousands of services measured).
    private static readonly double[] CompileBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    // Push size buckets: 256 B (a delta of one route) to 16 MiB (a whole config of a very large mesh).
    private static readonly double[] PushSizeBuckets = Histogram.ExponentialBuckets(256, 4, 9);

    // Indexed by [0] whole config, [1] delta.
    private readonly Counter.Child[] _sent;
    private readonly Counter.Child[] _acked;
    private readonly Counter.Child[] _nacked;
    private readonly Counter.Child[] _dropped;
    private readonly Histogram.Child[] _pushBytes;
    private readonly Histogram _convergence;
    private readonly Histogram _compile;
    private readonly Histogram _publish;
    private Func<int>? _reconcileQueueDepth;
    private readonly Counter _reconcileErrors;
    private readonly Counter _certificatesIssued;
    private readonly Counter _certificateRejections;
    private readonly Counter _streamRejections;

    public OperatorMetrics(CollectorRegistry registry, ProxyRegistry proxies)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        var connected = factory.CreateGauge("mesh_connected_proxies", "Proxies connected to this replica's config stream.");
        registry.AddBeforeCollectCallback(() => connected.Set(proxies.Count));

        // Every result is bound up front: pushes are counted per proxy and response, and a rate() over a series
        // needs it to exist before its first increment.
        var pushes = factory.CreateCounter(
            "mesh_config_pushes_total", "Config responses by result (sent, ack, nack, dropped) and type (full, delta).", "result", "type");
        Counter.Child[] ByType(string result) => [pushes.WithLabels(result, "full"), pushes.WithLabels(result, "delta")];
        _sent = ByType("sent");
        _acked = ByType("ack");
        _nacked = ByType("nack");
        _dropped = ByType("dropped");
        var bytes = factory.CreateHistogram(
            "mesh_config_push_bytes",
            "Size of each config response written, by type (full, delta).",
            new HistogramConfiguration { Buckets = PushSizeBuckets, LabelNames = ["type"] });
        _pushBytes = [bytes.WithLabels("full"), bytes.WithLabels("delta")];
        _convergence = factory.CreateHistogram(
            "mesh_config_convergence_seconds",
            "From a change seen to every affected proxy's answer.",
            new HistogramConfiguration { Buckets = ConvergenceBuckets });
        _compile = factory.CreateHistogram(
            "mesh_config_compile_seconds",
            "Time to compile the whole mesh from the source's resources, per compile (failed ones included).",
            new HistogramConfiguration { Buckets = CompileBuckets });
        _publish = factory.CreateHistogram(
            "mesh_config_publish_seconds",
            "Time to assemble every connected proxy's config of a new compile and queue the changed ones (the writes follow on each stream).",
            new HistogramConfiguration { Buckets = CompileBuckets });
        var queueDepth = factory.CreateGauge("mesh_reconcile_queue_depth", "Changes waiting for the reconciler (debounced notifications not yet compiled).");
        registry.AddBeforeCollectCallback(() => queueDepth.Set(_reconcileQueueDepth?.Invoke() ?? 0));
        _reconcileErrors = factory.CreateCounter("mesh_reconcile_errors_total", "Failures while compiling or writing status.", "stage");
        _certificatesIssued = factory.CreateCounter("mesh_certificates_issued_total", "Workload certificates signed by the mesh CA.");
        _certificateRejections = factory.CreateCounter(
            "mesh_certificate_rejections_total", "SignCertificate calls refused, by reason: unauthenticated, invalid, unavailable.", "reason");
        _streamRejections = factory.CreateCounter(
            "mesh_config_stream_rejections_total",
            "Config streams refused, by reason: unauthenticated, unavailable, limit, first_request_timeout, invalid, permission_denied.",
            "reason");
    }

    public void PushSent(bool delta, int bytes)
    {
        _sent[delta ? 1 : 0].Inc();
        _pushBytes[delta ? 1 : 0].Observe(bytes);
    }

    public void PushAcked(bool delta) => _acked[delta ? 1 : 0].Inc();

    public void PushNacked(bool delta) => _nacked[delta ? 1 : 0].Inc();

    public void PushDropped(bool delta) => _dropped[delta ? 1 : 0].Inc();

    public void Converged(TimeSpan elapsed) => _convergence.Observe(elapsed.TotalSeconds);

    public void Compiled(TimeSpan elapsed) => _compile.Observe(elapsed.TotalSeconds);

    public void Published(TimeSpan elapsed) => _publish.Observe(elapsed.TotalSeconds);

    /// <summary>Where <c>mesh_reconcile_queue_depth</c> reads the reconciler's backlog from when scraped.</summary>
    public void TrackReconcileQueue(Func<int> depth) => _reconcileQueueDepth = depth;

    public void ReconcileError(string stage) => _reconcileErrors.WithLabels(stage).Inc();

    public void CertificateIssued() => _certificatesIssued.Inc();

    public void CertificateRejected(string reason) => _certificateRejections.WithLabels(reason).Inc();

    public void StreamRejected(string reason) => _streamRejections.WithLabels(reason).Inc();
}
