using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Mesh.Api.V1;
using Mesh.Proxy.Config;
using Mesh.Proxy.Runtime;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing.Manifests;
using Mesh.Testing.Operator;
using Microsoft.Extensions.DependencyInjection;
using Eventually = Mesh.Testing.Eventually;

namespace Mesh.Proxy.Tests.EndToEnd;

/// <summary>
/// Incremental config push between the real operator (local mode) and the real proxy over the stream: edits arrive
/// as deltas, the proxy's rebuilt config is the operator's whole config byte for byte, and unchanged clusters live on.
/// </summary>
public sealed class DeltaEndToEndTests : IAsyncLifetime
{
    private const string NodeId = "default/productpage-1";
    private TestBackend _v1 = null!;
    private TestBackend _v2 = null!;
    private TestBackend _v2Moved = null!;
    private LocalOperator _operator = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _v1 = await TestBackend.StartAsync("reviews-v1");
        _v2 = await TestBackend.StartAsync("reviews-v2");
        _v2Moved = await TestBackend.StartAsync("reviews-v2-moved");
        _operator = await LocalOperator.StartAsync(new Dictionary<string, string>
        {
            ["reviews.yaml"] = ReviewsManifests.Services(_v1.Port, _v2.Port),
            ["reviews-vs.yaml"] = ReviewsManifests.Split(100, 0),
        });
        _http = new HttpClient { BaseAddress = _operator.HttpAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _operator.DisposeAsync();
        await _v1.DisposeAsync();
        await _v2.DisposeAsync();
        await _v2Moved.DisposeAsync();
    }

    [Fact]
    public async Task Edits_arrive_as_deltas_that_rebuild_the_operators_config_byte_for_byte()
    {
        await using var proxy = await StartProxyAsync(acceptDeltas: true);
        await Eventually.AssertAsync(async () => await ServedByAsync(proxy) == "reviews-v1", "the first (whole) config routes to v1");
        var v1Cluster = Snapshot(proxy).Clusters[$"outbound|9080|v1|{ReviewsManifests.Host}"];

        // A route edit: only the reviews virtual host changes.
        await _operator.WriteAsync("reviews-vs.yaml", ReviewsManifests.Split(0, 100));
        await Eventually.AssertAsync(async () => await ServedByAsync(proxy) == "reviews-v2", "the route edit applies");
        Assert.Same(v1Cluster, Snapshot(proxy).Clusters[$"outbound|9080|v1|{ReviewsManifests.Host}"]);

        // An endpoint edit: v2 moves to another port; only endpoints change.
        await _operator.WriteAsync("reviews.yaml", ReviewsManifests.Services(_v1.Port, _v2Moved.Port));
        await Eventually.AssertAsync(async () => await ServedByAsync(proxy) == "reviews-v2-moved", "the endpoint edit applies");
        Assert.Same(v1Cluster, Snapshot(proxy).Clusters[$"outbound|9080|v1|{ReviewsManifests.Host}"]);

        await Eventually.AssertAsync(async () => await PushesAsync("ack", "delta") >= 2, "both edits were ACKed as deltas");
        Assert.Equal(1, await PushesAsync("ack", "full"));
        await Eventually.AssertAsync(
            async () => (await OperatorConfigAsync()).ToByteArray().AsSpan().SequenceEqual(Snapshot(proxy).Config.ToByteArray()),
            "the proxy's rebuilt config is the operator's whole config");
    }

    [Fact]
    public async Task A_proxy_that_does_not_ask_for_deltas_gets_whole_configs()
    {
        await using var proxy = await StartProxyAsync(acceptDeltas: false);
        await Eventually.AssertAsync(async () => await ServedByAsync(proxy) == "reviews-v1", "the first config routes to v1");

        await _operator.WriteAsync("reviews-vs.yaml", ReviewsManifests.Split(0, 100));
        await Eventually.AssertAsync(async () => await ServedByAsync(proxy) == "reviews-v2", "the edit applies");

        await Eventually.AssertAsync(async () => await PushesAsync("ack", "full") == 2, "both configs were ACKed whole");
        Assert.Equal(0, await PushesAsync("sent", "delta"));
    }

    private Task<ProxyUnderTest> StartProxyAsync(bool acceptDeltas) => ProxyUnderTest.StartAsync(
        configure: options =>
        {
            options.DiscoveryAddress = _operator.GrpcAddress;
            options.BootstrapTokenFile = _operator.BootstrapTokenFile;
            options.NodeId = NodeId;
            options.Labels = new Dictionary<string, string> { ["app"] = "productpage" };
        },
        services: services => services.Configure<StreamConfigSourceOptions>(o => o.AcceptDeltas = acceptDeltas));

    private static ProxySnapshot Snapshot(ProxyUnderTest proxy) => proxy.Services.GetRequiredService<SnapshotHolder>().Current!;

    private async Task<ProxyConfig> OperatorConfigAsync()
    {
        var document = JsonNode.Parse(await _http.GetStringAsync($"/debug/config?proxy={Uri.EscapeDataString(NodeId)}"))!;
        return JsonParser.Default.Parse<ProxyConfig>(document["config"]!.ToJsonString());
    }

    private async Task<int> PushesAsync(string result, string type)
    {
        var metrics = await _http.GetStringAsync("/metrics");
        var match = Regex.Match(metrics, $$"""^mesh_config_pushes_total\{result="{{result}}",type="{{type}}"\} (\d+)$""", RegexOptions.Multiline);
        Assert.True(match.Success, $"mesh_config_pushes_total{{result=\"{result}\",type=\"{type}\"}} is exported");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> ServedByAsync(ProxyUnderTest proxy)
    {
        using var response = await proxy.GetAsync("reviews.default.svc.cluster.local:9080", "/reviews/1");
        return response.StatusCode != HttpStatusCode.OK ? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : response.Headers.TryGetValues("x-backend", out var backend) ? backend.Single() : "no x-backend header";
    }
}
