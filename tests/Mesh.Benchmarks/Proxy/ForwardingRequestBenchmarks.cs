using BenchmarkDotNet.Attributes;
using Mesh.Api.V1;
using Mesh.Proxy.Clusters;
using Mesh.Proxy.Forwarding;
using Mesh.Proxy.Routing;
using Mesh.Proxy.Runtime;
using Mesh.Proxy.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Mesh.Benchmarks.Proxy;

/// <summary>
/// Shaping one upstream request on the plain route (build/bench's: no rewrite, no header operations): the
/// per-request transformer plus YARP's header copy into the HttpRequestMessage the forwarder would send. The
/// HttpRequestMessage and its header store are YARP's and SocketsHttpHandler's; the rest is the proxy's.
/// </summary>
[MemoryDiagnoser]
public class ForwardingRequestBenchmarks
{
    private const string Prefix = "http://127.0.0.1:18081";

    private MeshRoute _route = null!;
    private Mesh.Proxy.Routing.WeightedDestination _destination = null!;
    private ClusterRuntime _cluster = null!;
    private DefaultHttpContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        var config = new ProxyConfig();
        config.Clusters.Add(new Cluster { Name = "outbound|80||bench", Endpoints = { new Mesh.Api.V1.Endpoint { Address = "127.0.0.1", Port = 18081 } } });
        var host = new VirtualHost { Name = "bench", Domains = { "127.0.0.1:18101" } };
        host.Routes.Add(new Route { Name = "default", Forward = new RouteForward { Destinations = { new Mesh.Api.V1.WeightedDestination { Cluster = config.Clusters[0].Name, Weight = 100 } } } });
        config.VirtualHosts.Add(host);

        var time = TimeProvider.System;
        var snapshot = new SnapshotBuilder(new ClusterBuilder(new UpstreamClientCache(time), time), new ProxyMetrics(new SnapshotHolder(), new(), time), time).Build("bench", config, null);
        _context = new DefaultHttpContext();
        _context.Request.Method = "GET";
        _context.Request.Host = new HostString("127.0.0.1:18101");
        _context.Request.Path = "/";
        _context.Request.Headers.Accept = "*/*";
        _context.Request.Headers.UserAgent = "wrk";
        var facts = new RequestFacts(_context.Request);
        _route = snapshot.Hosts.Find(facts.Authority)!.Select(facts, out _)!;
        _destination = _route.Destinations!.Pick()!;
        _cluster = _destination.Cluster;
    }

    [Benchmark]
    public async Task<HttpRequestMessage> ShapeUpstreamRequest()
    {
        var transformer = new ForwardingRequest(_context, _route, null, _destination, null);
        transformer.BeginTry(_route.Retries, _cluster);
        var request = new HttpRequestMessage(HttpMethod.Get, (Uri?)null);
        await transformer.TransformRequestAsync(_context, request, Prefix, CancellationToken.None);
        return request;
    }
}
