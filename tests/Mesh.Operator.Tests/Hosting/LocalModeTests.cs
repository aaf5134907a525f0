using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Api.V1;
using Mesh.Operator.Tests.ConfigServer;
using Mesh.Testing;
using Mesh.Testing.Manifests;
using Mesh.Testing.Operator;

namespace Mesh.Operator.Tests.Hosting;

/// <summary>
/// The operator as users run it locally (<c>run --source dir:PATH</c>): real manifests on disk, real sockets, our gRPC
/// client standing in for a proxy.
/// </summary>
public sealed class LocalModeTests : IAsyncLifetime
{
    private LocalOperator _operator = null!;
    private GrpcChannel _channel = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _operator = await LocalOperator.StartAsync(new Dictionary<string, string>
        {
            ["services.yaml"] = ReviewsManifests.Services(19084, 19085),
            ["reviews-vs.yaml"] = ReviewsManifests.Split(80, 20),
        });
        _channel = GrpcChannel.ForAddress(_operator.GrpcAddress);
        _http = new HttpClient { BaseAddress = _operator.HttpAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        _channel.Dispose();
        await _operator.DisposeAsync();
    }

    [Fact]
    public async Task Becomes_ready_and_streams_the_compiled_config_to_a_proxy()
    {
        await Eventually.AssertAsync(async () => await GetStatusAsync("/readyz") == HttpStatusCode.OK, "/readyz turns 200");
        using var proxy = await FakeProxyStream.OpenAsync(_channel, FakeProxyStream.Hello("default/productpage-1"), _operator.Credentials());

        var response = await proxy.ReceiveAsync();
        await proxy.AckAsync(response);

        Assert.Equal([80u, 20u], Weights(response.Config));
        await Eventually.AssertAsync(
            async () => (await _http.GetStringAsync("/debug/proxies")).Contains(response.VersionInfo, StringComparison.Ordinal),
            "/debug/proxies shows the acknowledged version");
        var config = await _http.GetStringAsync("/debug/config?proxy=default/productpage-1");
        Assert.Equal(response.VersionInfo, JsonDocument.Parse(config).RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public async Task Editing_a_manifest_pushes_the_new_split_to_connected_proxies()
    {
        using var proxy = await FakeProxyStream.OpenAsync(_channel, FakeProxyStream.Hello("default/productpage-1"), _operator.Credentials());
        var first = await proxy.ReceiveAsync();
        await proxy.AckAsync(first);

        await _operator.WriteAsync("reviews-vs.yaml", ReviewsManifests.Split(50, 50));

        var second = await proxy.ReceiveAsync();
        Assert.NotEqual(first.VersionInfo, second.VersionInfo);
        Assert.Equal([50u, 50u], Weights(second.Config));
    }

    [Fact]
    public async Task A_broken_file_keeps_its_last_good_resources_and_other_files_still_apply()
    {
        using var proxy = await FakeProxyStream.OpenAsync(_channel, FakeProxyStream.Hello("default/productpage-1"), _operator.Credentials());
        await proxy.AckAsync(await proxy.ReceiveAsync());

        await _operator.WriteAsync("reviews-vs.yaml", "apiVersion: mesh.io/v1alpha1\nkind: VirtualService\nmetadata: [unclosed\n");
        await Eventually.AssertAsync(() => _operator.Source.Problems.Count > 0, "the broken file is reported");

        // A change elsewhere still reaches the proxy, and the routes of the broken file's last good version remain.
        await _operator.WriteAsync("details.yaml", """
            apiVersion: v1
            kind: Service
            metadata: { name: details, namespace: default }
            spec: { ports: [{ name: http, port: 9080 }] }
            """);
        var next = await proxy.ReceiveAsync();

        Assert.Contains(next.Config.VirtualHosts, host => host.Name == "details.default.svc.cluster.local");
        Assert.Equal([80u, 20u], Weights(next.Config));
        Assert.Equal(HttpStatusCode.OK, await GetStatusAsync("/readyz"));
    }

    [Fact]
    public async Task Metrics_count_connected_proxies_and_acknowledged_pushes_in_prometheus_text()
    {
        using var proxy = await FakeProxyStream.OpenAsync(_channel, FakeProxyStream.Hello("default/productpage-1"), _operator.Credentials());
        await proxy.AckAsync(await proxy.ReceiveAsync());
        await Eventually.AssertAsync(
            async () => (await _http.GetStringAsync("/debug/proxies")).Contains("\"ackedVersion\":\"", StringComparison.Ordinal),
            "the ACK is recorded");

        var text = await _http.GetStringAsync("/metrics");
        var parsed = await NodeScript.RunAsync(RepositoryPaths.Combine("tests", "Mesh.Api.Tests", "peers", "prometheus", "parse.js"), text);

        Assert.True(parsed.ExitCode == 0, parsed.Error);
        using var families = JsonDocument.Parse(parsed.Output);
        JsonElement Family(string name) => families.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == name);
        Assert.Equal("1", Family("mesh_connected_proxies").GetProperty("metrics")[0].GetProperty("value").GetString());
        var pushes = Family("mesh_config_pushes_total").GetProperty("metrics").EnumerateArray()
            .Where(m => m.GetProperty("labels").GetProperty("type").GetString() == "full")
            .ToDictionary(m => m.GetProperty("labels").GetProperty("result").GetString()!, m => m.GetProperty("value").GetString());
        Assert.Equal("1", pushes["sent"]);
        Assert.Equal("1", pushes["ack"]);
        Assert.Equal("HISTOGRAM", Family("mesh_config_convergence_seconds").GetProperty("type").GetString());
        Assert.Equal("HISTOGRAM", Family("mesh_config_compile_seconds").GetProperty("type").GetString());
        Assert.Equal("0", Family("mesh_reconcile_queue_depth").GetProperty("metrics")[0].GetProperty("value").GetString());
    }

    [Fact]
    public async Task Metrics_export_only_the_readmes_operator_metrics_with_its_label_names()
    {
        using var proxy = await FakeProxyStream.OpenAsync(_channel, FakeProxyStream.Hello("default/productpage-1"), _operator.Credentials());
        await proxy.AckAsync(await proxy.ReceiveAsync());

        var families = await PrometheusText.ParseAsync(await _http.GetStringAsync("/metrics"));
        var (_, reference) = PrometheusText.ReadmeReference();

        foreach (var name in new[] { "mesh_connected_proxies", "mesh_config_pushes_total", "mesh_config_convergence_seconds", "mesh_config_compile_seconds", "mesh_reconcile_queue_depth", "mesh_certificates_issued_total" })
        {
            Assert.True(reference.ContainsKey(name), $"{name} is missing from README.md's metrics reference");
            Assert.True(families.ContainsKey(name), $"{name} is not exported");
        }

        foreach (var family in families.Values.Where(f => f.Series.Count > 0 && f.Type != "HISTOGRAM"))
        {
            Assert.True(reference.TryGetValue(family.Name, out var labels), $"{family.Name} is exported but not in README.md's metrics reference");
            if (labels is not null)
            {
                Assert.Equal([.. labels.Order(StringComparer.Ordinal)], family.LabelNames);
            }
        }

        Assert.Equal(["result", "type"], families["mesh_config_pushes_total"].LabelNames);
        Assert.Equal("Proxies connected to this replica's config stream.", families["mesh_connected_proxies"].Help);
    }

    [Fact]
    public async Task Debug_config_for_an_unknown_proxy_is_a_404_with_a_hint()
    {
        using var response = await _http.GetAsync("/debug/config?proxy=nobody");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("/debug/proxies", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 17: an empty <c>spec:</c> or a null list item in one manifest used to throw in the compiler and hold back
    /// every later edit. Now it is reported in <c>/debug/resources</c> and later edits still reach the proxies.
    /// </summary>
    [Fact]
    public async Task A_null_section_is_reported_in_debug_resources_and_later_edits_still_reach_the_proxy()
    {
        using var proxy = await FakeProxyStream.OpenAsync(_channel, FakeProxyStream.Hello("default/productpage-1"), _operator.Credentials());
        await proxy.AckAsync(await proxy.ReceiveAsync());

        await _operator.WriteAsync("broken.yaml", """
            apiVersion: mesh.io/v1alpha1
            kind: VirtualService
            metadata: {name: empty, namespace: default}
            spec:
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: holes, namespace: default}
            spec:
              ports:
              -
            """);
        await Eventually.AssertAsync(
            async () =>
            {
                var problems = Problems(await _http.GetStringAsync("/debug/resources"));
                return problems.Contains("VirtualService default/empty spec: spec is required") &&
                    problems.Contains("Service default/holes spec.ports[0]: a port must not be null");
            },
            "/debug/resources reports both resources at their paths");

        await _operator.WriteAsync("reviews-vs.yaml", ReviewsManifests.Split(50, 50));

        // Bounded: the edit must arrive within a few pushes (each ReceiveAsync has its own deadline).
        uint[] weights = [];
        for (var push = 0; push < 3 && weights is not [50, 50]; push++)
        {
            var next = await proxy.ReceiveAsync();
            await proxy.AckAsync(next);
            weights = Weights(next.Config);
        }

        Assert.Equal([50u, 50u], weights);
    }

    private static uint[] Weights(ProxyConfig config) =>
        [.. config.VirtualHosts.Single(host => host.Name == ReviewsManifests.Host)
            .Routes.Single(route => route.Name == "split")
            .Forward.Destinations.Select(destination => destination.Weight)];

    private async Task<HttpStatusCode> GetStatusAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return response.StatusCode;
    }

    [Fact]
    public async Task Debug_resources_shows_each_condition_without_an_unset_transition_time()
    {
        await Eventually.AssertAsync(
            async () => (await _http.GetStringAsync("/debug/resources")).Contains("\"VirtualService\"", StringComparison.Ordinal),
            "/debug/resources lists the VirtualService");

        using var document = JsonDocument.Parse(await _http.GetStringAsync("/debug/resources"));
        var conditions = document.RootElement.EnumerateArray().SelectMany(resource => resource.GetProperty("conditions").EnumerateArray()).ToList();

        Assert.NotEmpty(conditions);
        Assert.All(conditions, condition =>
        {
            Assert.False(condition.TryGetProperty("lastTransitionTime", out _), condition.ToString());
            Assert.Contains(condition.GetProperty("type").GetString(), (string[])["Accepted", "ResolvedRefs"]);
            Assert.Equal("True", condition.GetProperty("status").GetString());
        });
    }

    private static List<string> Problems(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().SelectMany(resource => resource.GetProperty("problems").EnumerateArray().Select(problem =>
            $"{resource.GetProperty("kind").GetString()} {resource.GetProperty("namespace").GetString()}/{resource.GetProperty("name").GetString()} " +
            $"{problem.GetProperty("path").GetString()}: {problem.GetProperty("message").GetString()}"))];
    }
}
