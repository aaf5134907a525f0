using System.Net;
using System.Text.Json;
using Mesh.Proxy.Tests.Fixtures;
using Eventually = Mesh.Testing.Eventually;

namespace Mesh.Proxy.Tests.Dashboard;

/// <summary>
/// The operator's <c>/ui/api</c> fed by a real sidecar's traffic reports: real operator, sidecar and backends on
/// 127.0.0.1, real requests. Counts are exact: a report carries what the sidecar counted, no sampling.
/// </summary>
public sealed class DashboardApiTests : IAsyncLifetime
{
    private const string Productpage = "workload:default/productpage";
    private BookinfoMesh _mesh = null!;

    public async Task InitializeAsync() => _mesh = await BookinfoMesh.StartAsync();

    public async Task DisposeAsync() => await _mesh.DisposeAsync();

    /// <summary>400 requests at 80/20: a subset's count is within 4 standard deviations (±32 requests, ±8%) of its share.</summary>
    [Fact]
    public async Task Traffic_through_the_sidecar_shows_on_the_graph_with_its_split_rate_and_latency()
    {
        Assert.Equal(400, await _mesh.SendAsync(BookinfoMesh.Reviews, 400));

        JsonElement call = default;
        await Eventually.AssertAsync(
            async () => (call = Edge(await GetJsonAsync("/ui/api/graph"), Productpage, "service:" + BookinfoMesh.Reviews)) is { ValueKind: JsonValueKind.Object }
                && call.GetProperty("requests").GetInt64() == 400,
            "the graph counts the 400 requests from productpage to reviews",
            TimeSpan.FromSeconds(20));
        Assert.True(call.GetProperty("rps").GetDouble() > 0);
        Assert.Equal(100, call.GetProperty("successPercent").GetDouble());
        Assert.Equal("healthy", call.GetProperty("health").GetString());
        Assert.True(call.GetProperty("p99Ms").GetDouble() > 0);

        var graph = await GetJsonAsync("/ui/api/graph");
        var v1 = Edge(graph, "service:" + BookinfoMesh.Reviews, $"subset:{BookinfoMesh.Reviews}/v1");
        var v2 = Edge(graph, "service:" + BookinfoMesh.Reviews, $"subset:{BookinfoMesh.Reviews}/v2");
        Assert.Equal(400, v1.GetProperty("requests").GetInt64() + v2.GetProperty("requests").GetInt64());
        Assert.InRange(v1.GetProperty("sharePercent").GetDouble(), 72, 88);
        Assert.InRange(v2.GetProperty("sharePercent").GetDouble(), 12, 28);
    }

    [Fact]
    public async Task A_route_whose_requests_fail_is_failing_on_the_graph()
    {
        Assert.Equal(0, await _mesh.SendAsync(BookinfoMesh.Ratings, 20, endUser: "jason"));

        await Eventually.AssertAsync(
            async () => Edge(await GetJsonAsync("/ui/api/graph"), Productpage, "service:" + BookinfoMesh.Ratings) is { ValueKind: JsonValueKind.Object } edge
                && edge.GetProperty("failures").GetInt64() == 20 && edge.GetProperty("health").GetString() == "failing",
            "the 20 aborted requests to ratings turn its edge failing",
            TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_service_history_holds_each_subset_over_fifteen_minutes_of_ten_second_buckets()
    {
        Assert.Equal(100, await _mesh.SendAsync(BookinfoMesh.Reviews, 100));

        JsonElement history = default;
        await Eventually.AssertAsync(
            async () => (history = await GetJsonAsync($"/ui/api/services/{BookinfoMesh.Reviews}")).GetProperty("subsets").EnumerateArray()
                .Sum(s => s.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("requests").GetInt64())) == 100,
            "the service's history counts the 100 requests",
            TimeSpan.FromSeconds(20));
        Assert.Equal(10, history.GetProperty("bucketSeconds").GetDouble());
        var subsets = history.GetProperty("subsets").EnumerateArray().ToList();
        Assert.Equal(new[] { "v1", "v2" }, subsets.Select(s => s.GetProperty("subset").GetString()!).Order().ToArray());
        Assert.All(subsets, s => Assert.Equal(90, s.GetProperty("points").GetArrayLength()));
    }

    [Fact]
    public async Task The_resources_api_shows_an_invalid_resource_with_its_field_path_and_the_others_accepted()
    {
        var resources = (await GetJsonAsync("/ui/api/resources")).EnumerateArray().ToList();

        var broken = Assert.Single(resources, r => r.GetProperty("name").GetString() == "broken-canary");
        Assert.False(broken.GetProperty("accepted").GetBoolean());
        Assert.Contains(broken.GetProperty("problems").EnumerateArray(), p => p.GetProperty("path").GetString() == BookinfoMesh.InvalidPath);
        Assert.All(resources.Where(r => r.GetProperty("name").GetString() != "broken-canary"), r => Assert.True(r.GetProperty("accepted").GetBoolean(), r.ToString()));
    }

    [Fact]
    public async Task Reports_are_not_answers_the_proxy_stays_in_sync_and_its_served_config_matches_the_expected_one()
    {
        // Reports flow every 500 ms meanwhile; were one taken for an ACK or NACK the proxy would show as behind or rejecting.
        Assert.Equal(50, await _mesh.SendAsync(BookinfoMesh.Reviews, 50));
        await Eventually.AssertAsync(
            async () => Edge(await GetJsonAsync("/ui/api/graph"), Productpage, "service:" + BookinfoMesh.Reviews).ValueKind == JsonValueKind.Object,
            "a report arrived",
            TimeSpan.FromSeconds(20));

        var proxy = Assert.Single((await GetJsonAsync("/ui/api/proxies")).EnumerateArray());
        Assert.Equal("default/productpage-v1", proxy.GetProperty("id").GetString());
        Assert.True(proxy.GetProperty("inSync").GetBoolean(), proxy.ToString());
        Assert.True(proxy.GetProperty("reportsTraffic").GetBoolean());
        Assert.Equal(_mesh.Sidecar.Applier.CurrentVersion, proxy.GetProperty("ackedVersion").GetString());
        Assert.False(proxy.TryGetProperty("lastNack", out var nack) && nack.ValueKind != JsonValueKind.Null, proxy.ToString());

        var diff = await GetJsonAsync("/ui/api/proxies/diff?proxy=default/productpage-v1");
        Assert.Equal(0, diff.GetProperty("changes").GetArrayLength());
        Assert.Equal(diff.GetProperty("expectedVersion").GetString(), diff.GetProperty("servedVersion").GetString());
    }

    [Fact]
    public async Task A_sidecar_with_a_zero_report_interval_does_not_claim_to_report_and_stays_in_sync()
    {
        await using var quiet = await ProxyUnderTest.StartAsync(configure: options =>
        {
            options.DiscoveryAddress = _mesh.Operator.GrpcAddress;
            options.BootstrapTokenFile = _mesh.Operator.BootstrapTokenFile;
            options.NodeId = "default/details-v1";
            options.Labels = new Dictionary<string, string> { ["app"] = "details", ["version"] = "v1" };
            options.TrafficReportInterval = TimeSpan.Zero;
        });

        JsonElement proxy = default;
        await Eventually.AssertAsync(
            async () => (proxy = (await GetJsonAsync("/ui/api/proxies")).EnumerateArray().FirstOrDefault(p => p.GetProperty("id").GetString() == "default/details-v1"))
                is { ValueKind: JsonValueKind.Object } && proxy.GetProperty("inSync").GetBoolean(),
            "the quiet sidecar acknowledges its config",
            TimeSpan.FromSeconds(30));
        Assert.False(proxy.GetProperty("reportsTraffic").GetBoolean(), proxy.ToString());
    }

    [Fact]
    public async Task The_app_is_served_embedded_with_content_types_revalidation_and_a_strict_csp()
    {
        using var index = await _mesh.Http.GetAsync("/ui/");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html; charset=utf-8", index.Content.Headers.ContentType?.ToString());
        var csp = string.Join(" ", index.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);

        using var script = await _mesh.Http.GetAsync("/ui/app.js");
        Assert.Equal("text/javascript; charset=utf-8", script.Content.Headers.ContentType?.ToString());
        Assert.Equal("no-cache", script.Headers.CacheControl?.ToString());
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/ui/app.js");
        revalidate.Headers.IfNoneMatch.Add(script.Headers.ETag!);
        using var notModified = await _mesh.Http.SendAsync(revalidate);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var api = await _mesh.Http.GetAsync("/ui/api/graph");
        Assert.Equal("no-store", api.Headers.CacheControl?.ToString());
        using var missing = await _mesh.Http.GetAsync("/ui/nothing.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_dashboard_answers_only_a_host_naming_this_machine_as_the_debug_endpoints_do()
    {
        foreach (var path in new[] { "/ui/", "/ui/api/graph" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = "attacker.example";
            using var response = await _mesh.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }

    private static JsonElement Edge(JsonElement graph, string source, string target) =>
        graph.GetProperty("edges").EnumerateArray()
            .FirstOrDefault(e => e.GetProperty("source").GetString() == source && e.GetProperty("target").GetString() == target);

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await _mesh.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
