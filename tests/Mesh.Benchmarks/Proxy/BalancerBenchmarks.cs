using BenchmarkDotNet.Attributes;
using Mesh.Proxy.Balancing;
using Mesh.Proxy.Clusters;
using Mesh.Proxy.Resilience;
using Microsoft.AspNetCore.Http;

namespace Mesh.Benchmarks.Proxy;

/// <summary>
/// The per-try cost of the balancers and of outlier reporting, over 20 endpoints: one pick, one report. Run with
/// <c>--filter *BalancerBenchmarks*</c>; the locality and Maglev cases exist only from the DestinationRule work on.
/// </summary>
[MemoryDiagnoser]
public class BalancerBenchmarks
{
    private readonly DefaultHttpContext _context = new();
    private EndpointRuntime[] _endpoints = [];
    private ILoadBalancer _leastRequest = null!;
    private ILoadBalancer _ringHash = null!;
    private ILoadBalancer _maglev = null!;
    private ILoadBalancer _localityFailover = null!;
    private OutlierDetector _outlier = null!;
    private OutlierDetector _outlierSplit = null!;

    [GlobalSetup]
    public void Setup()
    {
        _endpoints = Enumerable.Range(0, 20)
            .Select(i => new EndpointRuntime($"10.0.{i / 10}.{i}", 8080, 1, $"default/pod-{i}", new EndpointStats(), ProxyLocality.Parse(i < 10 ? "r1/z1" : "r1/z2")))
            .ToArray();
        _context.Request.Headers["x-user"] = "alice";
        _leastRequest = new LeastRequestBalancer(_endpoints);
        _ringHash = new RingHashBalancer(_endpoints, 1024, new HeaderHashKeySource("x-user"));
        _maglev = new MaglevBalancer(_endpoints, 65_537, new HeaderHashKeySource("x-user"));
        var locality = new Mesh.Api.V1.LoadBalancer { LocalityLbSetting = new Mesh.Api.V1.LocalityLbSetting { FailoverByPriority = true } };
        _localityFailover = LoadBalancerFactory.Create(locality, _endpoints, TimeProvider.System, "bench", ProxyLocality.Parse("r1/z1"), new Dictionary<string, string>());
        _outlier = new OutlierDetector(5, 0, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), 10, TimeProvider.System);
        _outlier.Attach(_endpoints);
        _outlierSplit = new OutlierDetector(5, 0, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), 10, TimeProvider.System, minHealthPercent: 50, consecutiveLocalOrigin: 5);
        _outlierSplit.Attach(_endpoints);
    }

    [Benchmark(Baseline = true)]
    public object? LeastRequest() => _leastRequest.Pick(_context, 0);

    [Benchmark]
    public object? LeastRequestByLocality() => _localityFailover.Pick(_context, 0);

    [Benchmark]
    public object? RingHash() => _ringHash.Pick(_context, 0);

    [Benchmark]
    public object? Maglev() => _maglev.Pick(_context, 0);

    [Benchmark]
    public void OutlierReport200() => _outlier.Report(_endpoints[3], 200);

    [Benchmark]
    public void OutlierReport200SplitMode() => _outlierSplit.Report(_endpoints[3], 200);
}
