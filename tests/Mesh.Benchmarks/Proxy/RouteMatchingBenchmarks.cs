using BenchmarkDotNet.Attributes;
using Mesh.Api.V1;
using Mesh.Proxy.Clusters;
using Mesh.Proxy.Routing;
using Mesh.Proxy.Runtime;
using Mesh.Proxy.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Mesh.Benchmarks.Proxy;

/// <summary>Host lookup plus first-match route selection over a bookinfo-sized table; must not allocate.</summary>
[MemoryDiagnoser]
public class RouteMatchingBenchmarks
{
    private ProxySnapshot _snapshot = null!;
    private HttpContext _exactHit = null!;
    private HttpContext _regexHit = null!;
    private HttpContext _fallthrough = null!;

    [GlobalSetup]
    public void Setup()
    {
        var config = new ProxyConfig();
        config.Clusters.Add(new Cluster { Name = "outbound|9080||reviews.default.svc.cluster.local", Endpoints = { new Mesh.Api.V1.Endpoint { Address = "127.0.0.1", Port = 9080 } } });
        var host = new VirtualHost { Name = "reviews.default.svc.cluster.local", Domains = { "reviews", "reviews:9080", "reviews.default.svc.cluster.local:9080" } };
        for (var i = 0; i < 8; i++)
        {
            var route = new Route { Name = $"r{i}", Forward = new RouteForward { Destinations = { new Mesh.Api.V1.WeightedDestination { Cluster = config.Clusters[0].Name, Weight = 1 } } } };
            route.Matches.Add(new RouteMatch
            {
                Uri = new StringMatch { Prefix = $"/api/v{i}/" },
                Headers = { new HeaderMatch { Name = "end-user", Match = new StringMatch { Exact = $"user{i}" } } },
            });
            host.Routes.Add(route);
        }

        var regex = new Route { Name = "regex", Forward = new RouteForward { Destinations = { new Mesh.Api.V1.WeightedDestination { Cluster = config.Clusters[0].Name, Weight = 1 } } } };
        regex.Matches.Add(new RouteMatch { Uri = new StringMatch { Regex = "/products/[0-9]+/reviews" }, QueryParams = { new QueryParamMatch { Name = "sort", Match = new StringMatch { Prefix = "date" } } } });
        host.Routes.Add(regex);
        host.Routes.Add(new Route { Name = "default", Forward = new RouteForward { Destinations = { new Mesh.Api.V1.WeightedDestination { Cluster = config.Clusters[0].Name, Weight = 1 } } } });
        config.VirtualHosts.Add(host);

        var time = TimeProvider.System;
        _snapshot = new SnapshotBuilder(new ClusterBuilder(new UpstreamClientCache(time), time), new ProxyMetrics(new SnapshotHolder(), new(), time), time).Build("bench", config, null);
        _exactHit = Request("/api/v3/items", "?a=1", ("end-user", "user3"));
        _regexHit = Request("/products/123/reviews", "?page=2&sort=date-desc");
        _fallthrough = Request("/static/app.js", string.Empty, ("end-user", "someone"));
    }

    [Benchmark]
    public string? PrefixAndHeader() => Select(_exactHit);

    [Benchmark]
    public string? RegexAndQuery() => Select(_regexHit);

    [Benchmark]
    public string? FallThroughTenRoutes() => Select(_fallthrough);

    private string? Select(HttpContext context)
    {
        var facts = new RequestFacts(context.Request);
        return _snapshot.Hosts.Find(facts.Authority)?.Select(facts, out _)?.Name;
    }

    private static DefaultHttpContext Request(string path, string query, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Host = new HostString("reviews:9080");
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query.Length > 0 ? query : null);
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        return context;
    }
}
