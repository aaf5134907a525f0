using System.Net;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing.Manifests;
using Mesh.Testing.Operator;
using Eventually = Mesh.Testing.Eventually;

namespace Mesh.Proxy.Tests.EndToEnd;

/// <summary>
/// VirtualService delegate between the real operator (local mode) and the real proxy: a root rule for /api delegates
/// to a VirtualService in its own file, a second root rule sends the rest to v1; requests follow the merged rules,
/// and an edit of only the delegate's file recompiles the root that uses it.
/// </summary>
public sealed class DelegateEndToEndTests : IAsyncLifetime
{
    private const string Root = """
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: { name: reviews, namespace: default }
        spec:
          hosts: [reviews]
          http:
            - name: api
              match: [{ uri: { prefix: /api } }]
              delegate: { name: reviews-api }
            - name: rest
              route: [{ destination: { host: reviews, subset: v1 } }]
        """;

    private TestBackend _v1 = null!;
    private TestBackend _v2 = null!;
    private LocalOperator _operator = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _v1 = await TestBackend.StartAsync("reviews-v1");
        _v2 = await TestBackend.StartAsync("reviews-v2");
        _operator = await LocalOperator.StartAsync(new Dictionary<string, string>
        {
            ["reviews.yaml"] = ReviewsManifests.Services(_v1.Port, _v2.Port),
            ["root.yaml"] = Root,
            ["delegate.yaml"] = Delegate("/api/v2", "v2"),
        });
        _http = new HttpClient { BaseAddress = _operator.HttpAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _operator.DisposeAsync();
        await _v1.DisposeAsync();
        await _v2.DisposeAsync();
    }

    [Fact]
    public async Task Requests_follow_the_delegates_rules_and_an_edit_of_the_delegate_alone_reaches_the_proxy()
    {
        await using var proxy = await ProxyUnderTest.StartAsync(configure: options =>
        {
            options.DiscoveryAddress = _operator.GrpcAddress;
            options.BootstrapTokenFile = _operator.BootstrapTokenFile;
            options.NodeId = "default/productpage-1";
            options.Labels = new Dictionary<string, string> { ["app"] = "productpage" };
        });
        await Eventually.AssertAsync(async () => await ServedByAsync(proxy, "/api/v2/books") == "reviews-v2", "the delegate's rule routes /api/v2 to v2");
        Assert.Equal("reviews-v1", await ServedByAsync(proxy, "/api/v1/books"));

        var resources = await _http.GetStringAsync("/debug/resources");
        Assert.Contains("delegate of default/reviews (spec.http[0])", resources, StringComparison.Ordinal);

        await _operator.WriteAsync("delegate.yaml", Delegate("/api/v1", "v2"));
        await Eventually.AssertAsync(async () => await ServedByAsync(proxy, "/api/v1/books") == "reviews-v2", "the edited delegate routes /api/v1 to v2");
        Assert.Equal("reviews-v1", await ServedByAsync(proxy, "/api/v2/books"));
    }

    private static string Delegate(string prefix, string subset) => $$"""
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: { name: reviews-api, namespace: default }
        spec:
          http:
            - match: [{ uri: { prefix: {{prefix}} } }]
              route: [{ destination: { host: reviews, subset: {{subset}} } }]
        """;

    private static async Task<string> ServedByAsync(ProxyUnderTest proxy, string path)
    {
        using var response = await proxy.GetAsync("reviews.default.svc.cluster.local:9080", path);
        return response.StatusCode != HttpStatusCode.OK ? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : response.Headers.TryGetValues("x-backend", out var backend) ? backend.Single() : "no x-backend header";
    }
}
