using System.Net;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing.Manifests;
using Mesh.Testing.Operator;
using Eventually = Mesh.Testing.Eventually;

namespace Mesh.Proxy.Tests.EndToEnd;

/// <summary>
/// The whole local mesh: the real operator reading manifests from a directory, the real proxy taking its config
/// over the stream, real backends, real requests.
/// </summary>
public sealed class LocalMeshTests : IAsyncLifetime
{
    private TestBackend _v1 = null!;
    private TestBackend _v2 = null!;
    private LocalOperator _operator = null!;

    public async Task InitializeAsync()
    {
        _v1 = await TestBackend.StartAsync("reviews-v1");
        _v2 = await TestBackend.StartAsync("reviews-v2");
        _operator = await LocalOperator.StartAsync(new Dictionary<string, string>
        {
            ["reviews.yaml"] = ReviewsManifests.Services(_v1.Port, _v2.Port),
            ["reviews-vs.yaml"] = ReviewsManifests.Split(100, 0),
        });
    }

    public async Task DisposeAsync()
    {
        await _operator.DisposeAsync();
        await _v1.DisposeAsync();
        await _v2.DisposeAsync();
    }

    [Fact]
    public async Task A_manifest_edit_changes_where_the_proxy_sends_traffic()
    {
        await using var proxy = await StartProxyAsync(_operator);
        await Eventually.AssertAsync(async () => await ServedByAsync(proxy) == "reviews-v1", "the proxy routes to v1 from its first config");

        await _operator.WriteAsync("reviews-vs.yaml", ReviewsManifests.Split(0, 100));

        await Eventually.AssertAsync(async () => await ServedByAsync(proxy) == "reviews-v2", "the proxy routes to v2 after the edit");
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("reviews-v2", await ServedByAsync(proxy));
        }
    }

    [Fact]
    public async Task The_proxy_keeps_routing_while_the_operator_is_away_and_takes_new_config_when_it_returns()
    {
        await using var proxy = await StartProxyAsync(_operator);
        await Eventually.AssertAsync(async () => await ServedByAsync(proxy) == "reviews-v1", "the first config is applied");
        var grpcPort = _operator.GrpcAddress.Port;
        var directory = _operator.Directory;
        var servingVersion = proxy.Applier.CurrentVersion;

        await _operator.StopKeepingDirectoryAsync();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("reviews-v1", await ServedByAsync(proxy));
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "reviews-vs.yaml"), ReviewsManifests.Split(0, 100));
        _operator = await LocalOperator.StartAsync(directory, grpcPort, ownsDirectory: true);

        await Eventually.AssertAsync(async () => await ServedByAsync(proxy) == "reviews-v2", "the reconnected proxy takes the new config", TimeSpan.FromSeconds(30));
        Assert.NotEqual(servingVersion, proxy.Applier.CurrentVersion);
    }

    private static Task<ProxyUnderTest> StartProxyAsync(LocalOperator controlPlane) => ProxyUnderTest.StartAsync(configure: options =>
    {
        options.DiscoveryAddress = controlPlane.GrpcAddress;
        options.BootstrapTokenFile = controlPlane.BootstrapTokenFile;
        options.NodeId = "default/productpage-1";
        options.Labels = new Dictionary<string, string> { ["app"] = "productpage" };
    });

    /// <summary>The backend that answered a request for reviews through the proxy, or the status when none did.</summary>
    private static async Task<string> ServedByAsync(ProxyUnderTest proxy)
    {
        using var response = await proxy.GetAsync("reviews.default.svc.cluster.local:9080", "/reviews/1");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return response.Headers.TryGetValues("x-backend", out var backend) ? backend.Single() : "no x-backend header";
    }
}
