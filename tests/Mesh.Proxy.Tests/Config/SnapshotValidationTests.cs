using Mesh.Api.V1;
using Mesh.Proxy.Clusters;
using Mesh.Proxy.Config;
using Mesh.Proxy.Runtime;
using Mesh.Proxy.Telemetry;

namespace Mesh.Proxy.Tests.Config;

/// <summary>Configs the proxy cannot serve are rejected with the field path and the reason (the NACK's message).</summary>
public sealed class SnapshotValidationTests
{
    private static ProxyConfig Valid()
    {
        var config = new ProxyConfig();
        config.Clusters.Add(new Cluster { Name = "outbound|9080||reviews.default.svc.cluster.local", Endpoints = { new Mesh.Api.V1.Endpoint { Address = "127.0.0.1", Port = 9080 } } });
        config.VirtualHosts.Add(new VirtualHost
        {
            Name = "reviews.default.svc.cluster.local",
            Domains = { "reviews", "reviews:9080" },
            Routes = { new Route { Name = "default", Forward = new RouteForward { Destinations = { new Mesh.Api.V1.WeightedDestination { Cluster = "outbound|9080||reviews.default.svc.cluster.local", Weight = 1 } } } } },
        });
        return config;
    }

    public static TheoryData<string, string> Breakages => new()
    {
        { "duplicate-cluster", "clusters[1].name: duplicate cluster" },
        { "duplicate-domain", "virtual_hosts[1].domains[0]: domain 'reviews' is already used" },
        { "no-action", "virtual_hosts[0].routes[0]: a route needs exactly one of forward, redirect or direct_response" },
        { "zero-weights", "virtual_hosts[0].routes[0].forward.destinations: the weights sum to 0" },
        { "fault-percentage", "virtual_hosts[0].routes[0].fault.abort.percentage: 150 is not within 0..100" },
        { "abort-status", "virtual_hosts[0].routes[0].fault.abort.http_status: 42 is not an HTTP status" },
        { "redirect-code", "virtual_hosts[0].routes[0].redirect.redirect_code: 200 is not a redirect status" },
        { "endpoint-port", "clusters[0].endpoints[0].port: 0 is not a port" },
        { "mirror-cluster", "virtual_hosts[0].routes[0].mirror.cluster: unknown cluster 'nope'" },
        { "hash-key", "clusters[0].load_balancer.consistent_hash: needs a header name" },
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public void InvalidConfigsAreRejectedWithPathAndReason(string breakage, string expected)
    {
        var config = Valid();
        var route = config.VirtualHosts[0].Routes[0];
        switch (breakage)
        {
            case "duplicate-cluster": config.Clusters.Add(config.Clusters[0].Clone()); break;
            case "duplicate-domain": config.VirtualHosts.Add(config.VirtualHosts[0].Clone()); break;
            case "no-action": route.ClearAction(); break;
            case "zero-weights":
                route.Forward.Destinations[0].Weight = 0;
                route.Forward.Destinations.Add(route.Forward.Destinations[0].Clone());
                break;
            case "fault-percentage": route.Fault = new FaultInjection { Abort = new FaultInjection.Types.Abort { HttpStatus = 503, Percentage = 150 } }; break;
            case "abort-status": route.Fault = new FaultInjection { Abort = new FaultInjection.Types.Abort { HttpStatus = 42, Percentage = 10 } }; break;
            case "redirect-code": route.Redirect = new Redirect { RedirectCode = 200 }; break;
            case "endpoint-port": config.Clusters[0].Endpoints[0].Port = 0; break;
            case "mirror-cluster": route.Mirror = new Mirror { Cluster = "nope", Percentage = 10 }; break;
            case "hash-key": config.Clusters[0].LoadBalancer = new LoadBalancer { ConsistentHash = new ConsistentHash { HttpHeaderName = string.Empty } }; break;
        }

        var time = TimeProvider.System;
        using var clients = new UpstreamClientCache(time);
        var builder = new SnapshotBuilder(new ClusterBuilder(clients, time), new ProxyMetrics(new SnapshotHolder(), new(), time), time);

        var error = Assert.Throws<InvalidProxyConfigException>(() => builder.Build("v", config, null));
        Assert.Contains(expected, error.Message);
        Assert.NotNull(builder.Build("v", Valid(), null));
    }
}
