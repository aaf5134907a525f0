using System.Diagnostics.Metrics;
using Mesh.Operator.ConfigServer;

namespace Mesh.Operator.Telemetry;

/// <summary>The operator's instruments, named as the design's observability contract fixes them.</summary>
internal sealed class OperatorMetrics : IDisposable
{
    public const string MeterName = "Mesh.Operator";

    private readonly Meter _meter;

    /// <summary>The operator's meter; the informers report on a meter of their own, <c>Mesh.Kubernetes</c>.</summary>
    public Meter Meter => _meter;
    private readonly Counter<long> _pushes;
    private readonly Histogram<double> _convergence;
    private readonly Counter<long> _reconcileErrors;
    private readonly Counter<long> _certificatesIssued;
    private readonly Counter<long> _certificateRejections;

    public OperatorMetrics(IMeterFactory meterFactory, ProxyRegistry registry)
    {
        _meter = meterFactory.Create(MeterName);
        _meter.CreateObservableGauge("mesh_connected_proxies", () => registry.Count, description: "Proxies connected to this replica's config stream.");
        _pushes = _meter.CreateCounter<long>("mesh_config_pushes_total", description: "Config responses by result: sent, ack, nack, dropped.");
        _convergence = _meter.CreateHistogram<double>(
            "mesh_config_convergence_seconds",
            unit: "s",
            description: "From a change seen to every affected proxy's answer.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _reconcileErrors = _meter.CreateCounter<long>("mesh_reconcile_errors_total", description: "Failures while compiling or writing status.");
        _certificatesIssued = _meter.CreateCounter<long>("mesh_certificates_issued_total", description: "Workload certificates signed by the mesh CA.");
        _certificateRejections = _meter.CreateCounter<long>(
            "mesh_certificate_rejections_total", description: "SignCertificate calls refused, by reason: unauthenticated, invalid, unavailable.");
    }

    public void PushSent() => _pushes.Add(1, new KeyValuePair<string, object?>("result", "sent"));

    public void PushAcked() => _pushes.Add(1, new KeyValuePair<string, object?>("result", "ack"));

    public void PushNacked() => _pushes.Add(1, new KeyValuePair<string, object?>("result", "nack"));

    public void PushDropped() => _pushes.Add(1, new KeyValuePair<string, object?>("result", "dropped"));

    public void Converged(TimeSpan elapsed) => _convergence.Record(elapsed.TotalSeconds);

    public void ReconcileError(string stage) => _reconcileErrors.Add(1, new KeyValuePair<string, object?>("stage", stage));

    public void CertificateIssued() => _certificatesIssued.Add(1);

    public void CertificateRejected(string reason) => _certificateRejections.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Dispose() => _meter.Dispose();
}
