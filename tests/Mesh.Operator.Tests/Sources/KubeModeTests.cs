using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Api.V1;
using Mesh.Operator.Resources;
using Mesh.Operator.Tests.ConfigServer;
using Mesh.Testing;

namespace Mesh.Operator.Tests.Sources;

/// <summary>The operator host with <c>--source kube</c> end to end: fake API server in, a proxy's config stream out.</summary>
public sealed class KubeModeTests
{
    private const string ReviewsHost = "reviews.default.svc.cluster.local";

    [Fact]
    public async Task TheConfigStream_TakesTheIdentityFromTokenReview_AndRefusesOtherTokensAndOtherNamespaces()
    {
        await using var kube = await FakeKube.StartAsync();
        kube.SeedOneOfEach();
        kube.Server.Tokens["productpage-token"] = "system:serviceaccount:default:bookinfo-productpage";
        kube.Server.Tokens["person-token"] = "jane@example.com";
        await using var op = await KubeOperator.StartAsync(kube);
        using var channel = GrpcChannel.ForAddress(op.GrpcAddress);
        var node = new Node { Id = "default/productpage-1", Namespace = "default", ServiceAccount = "bookinfo-productpage" };

        using var unknown = await FakeProxyStream.OpenAsync(channel, new ConfigRequest { Node = node }, StreamCredentials.Bearer("forged"));
        Assert.Equal(StatusCode.Unauthenticated, (await unknown.ReadUntilFailureAsync()).StatusCode);
        using var person = await FakeProxyStream.OpenAsync(channel, new ConfigRequest { Node = node }, StreamCredentials.Bearer("person-token"));
        Assert.Equal(StatusCode.Unauthenticated, (await person.ReadUntilFailureAsync()).StatusCode);

        // The local-mode headers claiming another identity count for nothing: the token says who this is.
        var claimsShop = StreamCredentials.Bearer("productpage-token");
        claimsShop.Add("mesh-namespace", "shop");
        var foreign = new Node { Id = "shop/reviews-1", Namespace = "shop", ServiceAccount = "bookinfo-productpage" };
        using var other = await FakeProxyStream.OpenAsync(channel, new ConfigRequest { Node = foreign }, claimsShop);
        var denied = await other.ReadUntilFailureAsync();
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains("node.namespace 'shop'", denied.Status.Detail, StringComparison.Ordinal);

        // One review per token (forged, person, productpage); reconnects within the cache's minute cost none.
        for (var i = 0; i < 3; i++)
        {
            using var proxy = await FakeProxyStream.OpenAsync(channel, new ConfigRequest { Node = node }, StreamCredentials.Bearer("productpage-token"));
            await proxy.ReceiveAsync();
        }

        Assert.Equal(3, kube.Server.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/tokenreviews", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task BecomesReady_AndStreamsTheServersVirtualServiceToAProxy_AndThenItsEdits()
    {
        await using var kube = await FakeKube.StartAsync();
        kube.SeedOneOfEach();
        kube.Server.Tokens["productpage-token"] = "system:serviceaccount:default:default";
        await using var op = await KubeOperator.StartAsync(kube);
        using var http = new HttpClient { BaseAddress = op.HttpAddress };
        using var channel = GrpcChannel.ForAddress(op.GrpcAddress);

        await Eventually.AssertAsync(async () => (await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "/readyz turns 200 once synced");
        using var proxy = await FakeProxyStream.OpenAsync(channel, FakeProxyStream.Hello("default/productpage-1"), StreamCredentials.Bearer("productpage-token"));
        var first = await proxy.ReceiveAsync();
        await proxy.AckAsync(first);
        Assert.Equal(["all"], RouteNames(first.Config));

        kube.Server.Store.Patch(FakeKube.VirtualServices, "default", "reviews", current =>
        {
            current!["spec"]!["http"]![0]!["name"] = "edited";
            return current;
        }, status: false, createIfMissing: false);

        var second = await proxy.ReceiveAsync();
        Assert.NotEqual(first.VersionInfo, second.VersionInfo);
        Assert.Equal(["edited"], RouteNames(second.Config));
    }

    [Fact]
    public async Task AnUnreachableApiServer_StartsTheHost_ButReadyzStaysUnavailable()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();

        await using var op = await KubeOperator.StartAsync(new k8s.KubernetesClientConfiguration { Host = $"http://127.0.0.1:{port}" });
        using var http = new HttpClient { BaseAddress = op.HttpAddress };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        var ready = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("has not synced", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(op.Source.HasSynced);
    }

    private static string[] RouteNames(ProxyConfig config) =>
        [.. config.VirtualHosts.Single(host => host.Domains.Contains(ReviewsHost)).Routes.Select(route => route.Name)];
}
