using Mesh.Api.V1;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.Telemetry;

/// <summary>/stats/prometheus on a real proxy, read back by the independent text-format parser.</summary>
public sealed class ProxyMetricsExportTests
{
    private const string Reviews = "reviews.default.svc.cluster.local";

    [Fact]
    public async Task Stats_export_only_the_readmes_proxy_metrics_with_its_label_names()
    {
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFactory.Simple(backend), o => o.Labels = new Dictionary<string, string> { ["app"] = "productpage" });
        (await proxy.GetAsync("reviews:9080")).Dispose();
        (await proxy.GetAsync("nowhere:9080")).Dispose();

        var families = await PrometheusText.ParseAsync(await proxy.Admin.GetStringAsync("/stats/prometheus"));
        var (reference, _) = PrometheusText.ReadmeReference();

        Assert.Subset(reference.Keys.ToHashSet(), families.Keys.ToHashSet());
        // The parser keeps no labels of a histogram's series; the README gives the duration histogram's in prose.
        foreach (var family in families.Values.Where(f => f.Series.Count > 0 && f.Type != "HISTOGRAM"))
        {
            Assert.True(reference.TryGetValue(family.Name, out var labels), $"{family.Name} is exported but not in README.md's metrics reference");
            if (labels is not null)
            {
                Assert.Equal([.. labels.Order(StringComparer.Ordinal)], family.LabelNames);
            }
        }

        Assert.Equal(["cluster"], families["mesh_upstream_connections"].LabelNames);
        Assert.Equal("HISTOGRAM", families["mesh_request_duration_seconds"].Type);
        Assert.Equal("Requests handled by the proxy.", families["mesh_requests_total"].Help);
        Assert.Contains(families["mesh_requests_total"].Series, s => s["destination_service"] == "unknown" && s["response_code"] == "404");
    }

    [Fact]
    public async Task A_new_snapshot_keeps_counting_the_routes_it_keeps_and_removes_the_series_of_those_it_drops()
    {
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFactory.Simple(backend));
        (await proxy.GetAsync("reviews:9080")).Dispose();
        Assert.True(proxy.Applier.Apply("v2", ConfigFactory.Simple(backend)).Accepted);
        (await proxy.GetAsync("reviews:9080")).Dispose();

        var kept = await ScrapeAsync(proxy);
        Assert.Equal("2", Value(kept["mesh_requests_total"], Reviews));
        Assert.Contains(kept["mesh_upstream_connections"].Series, s => s["cluster"] == ConfigFactory.ClusterName("reviews"));

        var ratings = new ProxyConfig();
        ratings.Clusters.Add(ConfigFactory.Cluster("ratings", [backend]));
        ratings.VirtualHosts.Add(ConfigFactory.Host("ratings", 9080, ConfigFactory.Forward("ratings-default", (ConfigFactory.ClusterName("ratings"), 1))));
        Assert.True(proxy.Applier.Apply("v3", ratings).Accepted);
        (await proxy.GetAsync("ratings:9080")).Dispose();

        var swapped = await ScrapeAsync(proxy);
        Assert.DoesNotContain(swapped["mesh_requests_total"].Series, s => s["destination_service"] == Reviews);
        Assert.DoesNotContain($"destination_service=\"{Reviews}\"", await proxy.Admin.GetStringAsync("/stats/prometheus"), StringComparison.Ordinal);
        Assert.DoesNotContain(swapped["mesh_upstream_connections"].Series, s => s["cluster"] == ConfigFactory.ClusterName("reviews"));
        Assert.Equal("1", Value(swapped["mesh_requests_total"], "ratings.default.svc.cluster.local"));
        Assert.Contains(swapped["mesh_upstream_requests_active"].Series, s => s["cluster"] == ConfigFactory.ClusterName("ratings"));
    }

    [Fact]
    public async Task A_rejected_config_leaves_the_served_configs_series_alone()
    {
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFactory.Simple(backend));
        (await proxy.GetAsync("reviews:9080")).Dispose();

        var invalid = new ProxyConfig();
        invalid.VirtualHosts.Add(ConfigFactory.Host("ratings", 9080, ConfigFactory.Forward("r", ("no-such-cluster", 1))));
        Assert.False(proxy.Applier.Apply("bad", invalid).Accepted);
        (await proxy.GetAsync("reviews:9080")).Dispose();

        Assert.Equal("2", Value((await ScrapeAsync(proxy))["mesh_requests_total"], Reviews));
    }

    private static async Task<IReadOnlyDictionary<string, PrometheusText.Family>> ScrapeAsync(ProxyUnderTest proxy) =>
        await PrometheusText.ParseAsync(await proxy.Admin.GetStringAsync("/stats/prometheus"));

    private static string Value(PrometheusText.Family family, string service) =>
        family.Values.Single(v => v.Labels["destination_service"] == service && v.Labels["response_code"] == "200").Value!;
}
