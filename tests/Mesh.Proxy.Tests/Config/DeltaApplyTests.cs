using System.Net;
using Mesh.Api.V1;
using Mesh.Proxy.Runtime;
using Mesh.Proxy.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Proxy.Tests.Config;

/// <summary>
/// A delta applied onto the served config: atomically, keeping what it does not touch, and rejected as a whole
/// (the last good config keeps serving) when it does not fit.
/// </summary>
public sealed class DeltaApplyTests : IAsyncLifetime
{
    private const string RatingsHost = "ratings.default.svc.cluster.local";
    private const string ReviewsHost = "reviews.default.svc.cluster.local";

    private TestBackend _reviews = null!;
    private TestBackend _ratings = null!;
    private TestBackend _reviewsMoved = null!;
    private ProxyUnderTest _proxy = null!;

    public async Task InitializeAsync()
    {
        _reviews = await TestBackend.StartAsync("reviews");
        _ratings = await TestBackend.StartAsync("ratings");
        _reviewsMoved = await TestBackend.StartAsync("reviews-moved");
        _proxy = await ProxyUnderTest.StartAsync(TwoServices());
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _reviews.DisposeAsync();
        await _ratings.DisposeAsync();
        await _reviewsMoved.DisposeAsync();
    }

    [Fact]
    public async Task An_unchanged_cluster_keeps_its_balancer_and_connection_pool_across_a_delta()
    {
        Assert.Equal("ratings", await ServedByAsync("ratings"));
        var ratings = Cluster("ratings");
        var changedHost = ConfigFactory.Host("reviews", 9080, ConfigFactory.Forward("renamed", (ConfigFactory.ClusterName("reviews"), 100)));

        var result = _proxy.Applier.ApplyDelta("v2", new ProxyConfig { VirtualHosts = { changedHost } }, new ConfigDelta { BaseVersion = "v1" });

        Assert.True(result.Accepted, result.Error);
        Assert.Equal("v2", _proxy.Applier.CurrentVersion);
        var kept = Cluster("ratings");
        Assert.Same(ratings, kept);
        Assert.Same(ratings.Balancer, kept.Balancer);
        Assert.Same(ratings.Client, kept.Client);
        Assert.Equal("renamed", Snapshot.Config.VirtualHosts.Single(h => h.Name.StartsWith("reviews", StringComparison.Ordinal)).Routes[0].Name);
        Assert.Equal("ratings", await ServedByAsync("ratings"));
        Assert.Equal("reviews", await ServedByAsync("reviews"));
    }

    [Fact]
    public async Task An_unchanged_virtual_host_keeps_its_compiled_routes_and_their_counts_across_a_delta()
    {
        Assert.Equal("ratings", await ServedByAsync("ratings"));
        var ratings = Snapshot.Hosts.Named(RatingsHost);
        var reviews = Snapshot.Hosts.Named(ReviewsHost);
        var changedHost = ConfigFactory.Host("reviews", 9080, ConfigFactory.Forward("renamed", (ConfigFactory.ClusterName("reviews"), 100)));

        var result = _proxy.Applier.ApplyDelta("v2", new ProxyConfig { VirtualHosts = { changedHost } }, new ConfigDelta { BaseVersion = "v1" });

        Assert.True(result.Accepted, result.Error);
        Assert.Same(ratings, Snapshot.Hosts.Named(RatingsHost));
        Assert.NotSame(reviews, Snapshot.Hosts.Named(ReviewsHost));
        Assert.Equal("ratings", await ServedByAsync("ratings"));
        var families = await Mesh.Testing.PrometheusText.ParseAsync(await _proxy.Admin.GetStringAsync("/stats/prometheus"));
        Assert.Equal("2", families["mesh_requests_total"].Values.Single(v => v.Labels["destination_service"] == RatingsHost && v.Labels["response_code"] == "200").Value);
    }

    [Fact]
    public async Task An_endpoint_only_delta_rebuilds_only_that_clusters_endpoints()
    {
        Assert.Equal("reviews", await ServedByAsync("reviews"));
        var reviews = Cluster("reviews");
        var ratings = Cluster("ratings");
        var ratingsHost = Snapshot.Hosts.Named(RatingsHost);
        var reviewsHost = Snapshot.Hosts.Named(ReviewsHost);
        var moved = ConfigFactory.Cluster("reviews", [_reviewsMoved]);

        var result = _proxy.Applier.ApplyDelta(
            "v2",
            new ProxyConfig(),
            new ConfigDelta { BaseVersion = "v1", ClusterEndpoints = { new ClusterEndpoints { Cluster = moved.Name, Endpoints = { moved.Endpoints } } } });

        Assert.True(result.Accepted, result.Error);
        Assert.Same(ratings, Cluster("ratings"));
        var rebuilt = Cluster("reviews");
        Assert.NotSame(reviews, rebuilt);
        Assert.Same(reviews.Client, rebuilt.Client);
        Assert.Same(reviews.Stats, rebuilt.Stats);
        Assert.Equal(_reviewsMoved.Port, Assert.Single(rebuilt.Endpoints).Port);
        Assert.Same(ratingsHost, Snapshot.Hosts.Named(RatingsHost));

        // Its routes resolved the replaced cluster: recompiled onto the new one.
        Assert.NotSame(reviewsHost, Snapshot.Hosts.Named(ReviewsHost));
        Assert.Equal("reviews-moved", await ServedByAsync("reviews"));
    }

    [Fact]
    public async Task A_delta_removing_a_service_drops_its_host_and_cluster()
    {
        var result = _proxy.Applier.ApplyDelta(
            "v2",
            new ProxyConfig(),
            new ConfigDelta { BaseVersion = "v1", RemovedVirtualHosts = { "ratings.default.svc.cluster.local" }, RemovedClusters = { ConfigFactory.ClusterName("ratings") } });

        Assert.True(result.Accepted, result.Error);
        Assert.DoesNotContain(ConfigFactory.ClusterName("ratings"), Snapshot.Clusters.Keys);
        Assert.NotEqual("ratings", await ServedByAsync("ratings"));
        Assert.Equal("reviews", await ServedByAsync("reviews"));
    }

    [Fact]
    public async Task A_delta_onto_another_version_is_nacked_and_the_served_config_stays()
    {
        var before = Snapshot;

        var result = _proxy.Applier.ApplyDelta("v3", new ProxyConfig(), new ConfigDelta { BaseVersion = "v2" });

        Assert.False(result.Accepted);
        Assert.Equal("v1", result.Version);
        Assert.Contains("delta.base_version", result.Error);
        Assert.Same(before, Snapshot);
        Assert.Equal("ratings", await ServedByAsync("ratings"));
    }

    [Theory]
    [InlineData("removed_clusters", "delta.removed_clusters")]
    [InlineData("endpoints", "delta.cluster_endpoints[0].cluster")]
    [InlineData("dangling", "unknown cluster")]
    public async Task A_delta_that_does_not_fit_is_nacked_with_its_field_and_the_served_config_stays(string kind, string expected)
    {
        var before = Snapshot;
        var delta = new ConfigDelta { BaseVersion = "v1" };
        switch (kind)
        {
            case "removed_clusters":
                delta.RemovedClusters.Add("outbound|1||nope");
                break;
            case "endpoints":
                delta.ClusterEndpoints.Add(new ClusterEndpoints { Cluster = "outbound|1||nope" });
                break;
            default:
                // The ratings host still routes to the cluster this removes.
                delta.RemovedClusters.Add(ConfigFactory.ClusterName("ratings"));
                break;
        }

        var result = _proxy.Applier.ApplyDelta("v2", new ProxyConfig(), delta);

        Assert.False(result.Accepted);
        Assert.Contains(expected, result.Error);
        Assert.Same(before, Snapshot);
        Assert.Equal("v1", _proxy.Applier.CurrentVersion);
        Assert.Equal("ratings", await ServedByAsync("ratings"));
    }

    private ProxySnapshot Snapshot => _proxy.Services.GetRequiredService<SnapshotHolder>().Current!;

    private Mesh.Proxy.Clusters.ClusterRuntime Cluster(string service) => Snapshot.Clusters[ConfigFactory.ClusterName(service)];

    private ProxyConfig TwoServices()
    {
        // Sorted by name, as the operator writes configs (a delta merges by name).
        var config = new ProxyConfig();
        config.Clusters.Add(ConfigFactory.Cluster("ratings", [_ratings]));
        config.Clusters.Add(ConfigFactory.Cluster("reviews", [_reviews]));
        config.VirtualHosts.Add(ConfigFactory.Host("ratings", 9080, ConfigFactory.Forward("default", (ConfigFactory.ClusterName("ratings"), 100))));
        config.VirtualHosts.Add(ConfigFactory.Host("reviews", 9080, ConfigFactory.Forward("default", (ConfigFactory.ClusterName("reviews"), 100))));
        return config;
    }

    private async Task<string> ServedByAsync(string service)
    {
        using var response = await _proxy.GetAsync($"{service}.default.svc.cluster.local:9080");
        return response.StatusCode != HttpStatusCode.OK ? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : response.Headers.TryGetValues("x-backend", out var backend) ? backend.Single() : "no x-backend header";
    }
}
