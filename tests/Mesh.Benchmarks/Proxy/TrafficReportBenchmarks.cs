using BenchmarkDotNet.Attributes;
using Mesh.Api.V1;
using Mesh.Proxy.Hosting;
using Mesh.Proxy.Runtime;
using Mesh.Proxy.Telemetry;
using Mesh.Proxy.Telemetry.Reporting;

namespace Mesh.Benchmarks.Proxy;

/// <summary>
/// One traffic report (Telemetry/Reporting/TrafficSampler): export the proxy's registry as a scrape would, subtract the
/// previous sample and build the report. Its cost is per report (every --traffic-report-interval), not per request:
/// a request only records the counters it records anyway. Destinations: one, and the report's edge cap of 100, each
/// with a request since the previous report so every one is an edge of every report.
/// </summary>
[MemoryDiagnoser]
public class TrafficReportBenchmarks
{
    private RequestSeries[] _series = [];
    private TrafficSampler _sampler = null!;

    [Params(1, 100)]
    public int Destinations { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var metrics = new ProxyMetrics(new SnapshotHolder(), new ProxyOptions { NodeId = "default/client-1" }, TimeProvider.System);
        _series = [.. Enumerable.Range(0, Destinations).Select(i => metrics.CreateSeries(ProxyMetrics.Outbound, $"svc-{i}.default.svc.cluster.local", "v1", "default"))];
        _sampler = new TrafficSampler(metrics, TimeProvider.System, "client", maxEdges: 100);

        // The first sample is the baseline and sends nothing.
        _ = Report();
    }

    [Benchmark]
    public TrafficReport? Report()
    {
        foreach (var series in _series)
        {
            series.Record(200, 0.0123);
        }

        return _sampler.SampleAsync(CancellationToken.None).GetAwaiter().GetResult();
    }
}
