using Google.Protobuf.WellKnownTypes;
using Mesh.Api.V1;

namespace Mesh.Proxy.Tests.Fixtures;

/// <summary>Builds ProxyConfigs the way the compiler does: Istio cluster names and every spelling of the host.</summary>
public static class ConfigFactory
{
    public static string ClusterName(string service, int port = 9080, string subset = "") =>
        $"outbound|{port}|{subset}|{service}.default.svc.cluster.local";

    public static Cluster Cluster(string service, IEnumerable<TestBackend> backends, string subset = "", int port = 9080)
    {
        var cluster = new Cluster
        {
            Name = ClusterName(service, port, subset),
            ServiceHost = $"{service}.default.svc.cluster.local",
            Port = (uint)port,
            Subset = subset,
        };
        foreach (var backend in backends)
        {
            cluster.Endpoints.Add(new Endpoint { Address = "127.0.0.1", Port = (uint)backend.Port, Workload = "default/" + backend.Name });
        }

        return cluster;
    }

    public static VirtualHost Host(string service, int port = 9080, params Route[] routes)
    {
        var host = new VirtualHost { Name = $"{service}.default.svc.cluster.local" };
        foreach (var name in new[] { service, $"{service}.default", $"{service}.default.svc", $"{service}.default.svc.cluster.local" })
        {
            host.Domains.Add(name);
            host.Domains.Add($"{name}:{port}");
        }

        host.Routes.AddRange(routes);
        return host;
    }

    public static Route Forward(string name, params (string Cluster, uint Weight)[] destinations)
    {
        var route = new Route { Name = name, Forward = new RouteForward() };
        foreach (var (cluster, weight) in destinations)
        {
            route.Forward.Destinations.Add(new WeightedDestination { Cluster = cluster, Weight = weight });
        }

        return route;
    }

    /// <summary>One service "reviews" on port 9080 with one cluster over the given backends and a default route.</summary>
    public static ProxyConfig Simple(params TestBackend[] backends)
    {
        var config = new ProxyConfig();
        config.Clusters.Add(Cluster("reviews", backends));
        config.VirtualHosts.Add(Host("reviews", 9080, Forward("default", (ClusterName("reviews"), 100))));
        return config;
    }

    public static Duration Ms(int milliseconds) => Duration.FromTimeSpan(TimeSpan.FromMilliseconds(milliseconds));
}
