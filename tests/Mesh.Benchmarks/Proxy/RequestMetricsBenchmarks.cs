using BenchmarkDotNet.Attributes;
using Mesh.Proxy.Hosting;
using Mesh.Proxy.Runtime;
using Mesh.Proxy.Telemetry;

namespace Mesh.Benchmarks.Proxy;

/// <summary>
/// What the proxy's metrics cost one finished request: mesh_requests_total and mesh_request_duration_seconds,
/// recorded through the series a snapshot bound for the request's route and destination.
/// </summary>
[MemoryDiagnoser]
public class RequestMetricsBenchmarks
{
    private RequestSeries _series = null!;

    [GlobalSetup]
    public void Setup()
    {
        var metrics = new ProxyMetrics(new SnapshotHolder(), new ProxyOptions { NodeId = "default/productpage" }, TimeProvider.System);
        _series = metrics.CreateSeries(ProxyMetrics.Outbound, "reviews.default.svc.cluster.local", "v1", "split");
    }

    [Benchmark]
    public void RecordOneRequest() => _series.Record(200, 0.0123);
}
