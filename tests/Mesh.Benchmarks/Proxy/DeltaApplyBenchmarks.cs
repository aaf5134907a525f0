using BenchmarkDotNet.Attributes;
using Mesh.Api.Delta;
using Mesh.Api.V1;
using Mesh.Benchmarks.Compiler;
using Mesh.Operator.Compiler;
using Mesh.Proxy.Clusters;
using Mesh.Proxy.Runtime;
using Mesh.Proxy.Telemetry;

namespace Mesh.Benchmarks.Proxy;

/// <summary>
/// What the proxy does with a delta on a 1,000-virtual-host config (the compiler benchmarks' mesh: 1,000 services,
/// 4,000 clusters): merge it onto the served config and build the next snapshot from the one it replaces, as
/// <c>ConfigApplier.ApplyDelta</c> does. One route's weights change, or one cluster's endpoints.
/// </summary>
[MemoryDiagnoser]
public class DeltaApplyBenchmarks
{
    private SnapshotBuilder _builder = null!;
    private ProxySnapshot _served = null!;
    private ProxyConfig _routeChange = null!;
    private ConfigDelta _routeDelta = null!;
    private ProxyConfig _endpointChange = null!;
    private ConfigDelta _endpointDelta = null!;

    [GlobalSetup]
    public void Setup()
    {
        var snapshot = SyntheticMesh.Create(services: 1_000, namespaces: 100);
        var config = MeshCompiler.Compile(snapshot).ConfigFor(SyntheticMesh.Proxies(snapshot)[0]).ToProxyConfig();
        var time = TimeProvider.System;
        _builder = new SnapshotBuilder(new Mesh.Proxy.Clusters.ClusterBuilder(new UpstreamClientCache(time), time), new ProxyMetrics(new SnapshotHolder(), new(), time), time);
        _served = _builder.Build("base", config, previous: null);

        var host = config.VirtualHosts[7].Clone();
        var split = host.Routes.Last(r => r.Forward?.Destinations.Count == 2).Forward.Destinations;
        (split[0].Weight, split[1].Weight) = (55, 45);
        _routeChange = Scalars(config);
        _routeChange.VirtualHosts.Add(host);
        _routeDelta = new ConfigDelta { BaseVersion = "base" };

        var cluster = config.Clusters.First(c => c.Endpoints.Count > 0);
        var moved = cluster.Endpoints.Select(e => new Mesh.Api.V1.Endpoint(e) { Port = e.Port + 1 });
        _endpointChange = Scalars(config);
        _endpointDelta = new ConfigDelta { BaseVersion = "base", ClusterEndpoints = { new ClusterEndpoints { Cluster = cluster.Name, Endpoints = { moved } } } };
    }

    [Benchmark]
    public int RouteChange() => Apply(_routeChange, _routeDelta);

    [Benchmark]
    public int EndpointChange() => Apply(_endpointChange, _endpointDelta);

    private int Apply(ProxyConfig changes, ConfigDelta delta) =>
        _builder.Build("next", ProxyConfigDelta.Apply(_served.Config, changes, delta), _served, owned: true).Clusters.Count;

    private static ProxyConfig Scalars(ProxyConfig config) =>
        new() { OutboundTrafficPolicy = config.OutboundTrafficPolicy, TrustDomain = config.TrustDomain };
}
