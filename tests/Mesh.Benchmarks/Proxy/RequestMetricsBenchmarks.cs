using BenchmarkDotNet.Attributes;
using Mesh.Api.Telemetry;
using Mesh.Proxy.Runtime;
using Mesh.Proxy.Telemetry;

namespace Mesh.Benchmarks.Proxy;

/// <summary>
/// What the proxy's metrics cost one finished request: mesh_requests_total and mesh_request_duration_seconds, with
/// the exporter listening as it does in the proxy (an instrument nobody listens to records nothing).
/// </summary>
[MemoryDiagnoser]
public class RequestMetricsBenchmarks
{
    private static readonly RequestLabels Labels = new("outbound", "default/productpage", "reviews.default.svc.cluster.local", "v1", "split");

    private ProxyMetrics _metrics = null!;
    private PrometheusExporter _exporter = null!;

    [GlobalSetup]
    public void Setup()
    {
        _metrics = new ProxyMetrics(new SnapshotHolder(), TimeProvider.System);
        var meter = _metrics.Meter;
        _exporter = new PrometheusExporter(m => ReferenceEquals(m, meter));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _exporter.Dispose();
        _metrics.Dispose();
    }

    [Benchmark]
    public void RecordOneRequest() => _metrics.RecordRequest(Labels, 200, 0.0123);
}
