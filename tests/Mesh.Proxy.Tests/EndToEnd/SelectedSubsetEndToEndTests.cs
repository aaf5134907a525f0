using System.Globalization;
using System.Net;
using System.Text.Json;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing.Manifests;
using Mesh.Testing.Operator;
using Eventually = Mesh.Testing.Eventually;

namespace Mesh.Proxy.Tests.EndToEnd;

/// <summary>
/// A VirtualService routes to subset v3, which only a DestinationRule with a workloadSelector (app: ratings) defines.
/// Between the real operator (local mode) and two real sidecars: the selected one reaches v3's backend; the other,
/// as an Istio sidecar without that cluster, answers 503; both accept their configs (no NACK).
/// </summary>
public sealed class SelectedSubsetEndToEndTests : IAsyncLifetime
{
    private const string Canary = """
        apiVersion: mesh.io/v1alpha1
        kind: DestinationRule
        metadata: { name: reviews-canary, namespace: default }
        spec:
          host: reviews
          workloadSelector: { matchLabels: { app: ratings } }
          subsets: [{ name: v3, labels: { version: v3 } }]
        ---
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: { name: reviews, namespace: default }
        spec:
          hosts: [reviews]
          http: [{ name: canary, route: [{ destination: { host: reviews, subset: v3 } }] }]
        """;

    private TestBackend _v1 = null!;
    private TestBackend _v2 = null!;
    private TestBackend _v3 = null!;
    private LocalOperator _operator = null!;

    public async Task InitializeAsync()
    {
        _v1 = await TestBackend.StartAsync("reviews-v1");
        _v2 = await TestBackend.StartAsync("reviews-v2");
        _v3 = await TestBackend.StartAsync("reviews-v3");
        _operator = await LocalOperator.StartAsync(new Dictionary<string, string>
        {
            ["reviews.yaml"] = ReviewsManifests.Services(_v1.Port, _v2.Port) + $$"""

                ---
                apiVersion: mesh.io/v1alpha1
                kind: WorkloadEntry
                metadata: { name: reviews-v3, namespace: default }
                spec: { address: 127.0.0.1, ports: { http: {{_v3.Port}} }, labels: { app: reviews, version: v3 } }
                """,
            ["canary.yaml"] = Canary,
        });
    }

    public async Task DisposeAsync()
    {
        await _operator.DisposeAsync();
        await _v1.DisposeAsync();
        await _v2.DisposeAsync();
        await _v3.DisposeAsync();
    }

    [Fact]
    public async Task The_selected_sidecar_reaches_the_subset_the_other_answers_503_and_neither_rejects_its_config()
    {
        await using var ratings = await SidecarAsync("default/ratings-1", "ratings");
        await using var productpage = await SidecarAsync("default/productpage-1", "productpage");

        await Eventually.AssertAsync(async () => await ServedByAsync(ratings) == "reviews-v3", "the selected sidecar routes to v3's backend");

        // Acknowledged first: a sidecar still without config must not pass for one answering 503 by its route.
        using var http = new HttpClient { BaseAddress = _operator.HttpAddress };
        foreach (var sidecar in new[] { ratings, productpage })
        {
            await Eventually.AssertAsync(
                async () => sidecar.Applier.CurrentVersion is { } served
                    && await StatusAsync(http, sidecar.Options.NodeId) is { } status
                    && status.GetProperty("ackedVersion").GetString() == served
                    && (!status.TryGetProperty("lastNack", out var nack) || nack.ValueKind == JsonValueKind.Null),
                $"{sidecar.Options.NodeId} acknowledged the config it serves and rejected none");
        }

        Assert.Equal("503", await ServedByAsync(productpage));
        Assert.Equal("reviews-v3", await ServedByAsync(ratings));
    }

    private async Task<ProxyUnderTest> SidecarAsync(string nodeId, string app) => await ProxyUnderTest.StartAsync(configure: options =>
    {
        options.DiscoveryAddress = _operator.GrpcAddress;
        options.BootstrapTokenFile = _operator.BootstrapTokenFile;
        options.NodeId = nodeId;
        options.Labels = new Dictionary<string, string> { ["app"] = app };
    });

    private static async Task<string> ServedByAsync(ProxyUnderTest proxy)
    {
        using var response = await proxy.GetAsync("reviews.default.svc.cluster.local:9080");
        return response.StatusCode != HttpStatusCode.OK ? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)
            : response.Headers.TryGetValues("x-backend", out var backend) ? backend.Single() : "no x-backend header";
    }

    private static async Task<JsonElement?> StatusAsync(HttpClient http, string nodeId)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync("/debug/proxies"));
        foreach (var proxy in document.RootElement.EnumerateArray())
        {
            if (proxy.GetProperty("id").GetString() == nodeId)
            {
                return proxy.Clone();
            }
        }

        return null;
    }
}
