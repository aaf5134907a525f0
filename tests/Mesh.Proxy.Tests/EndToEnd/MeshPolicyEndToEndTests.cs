using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Mesh.Api.V1;
using Mesh.Proxy.Hosting;
using Mesh.Proxy.Identity;
using Mesh.Proxy.Runtime;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing.Operator;
using Microsoft.Extensions.DependencyInjection;
using Eventually = Mesh.Testing.Eventually;

namespace Mesh.Proxy.Tests.EndToEnd;

/// <summary>
/// The whole security chain with the real operator: proxies claim their identity with the operator's bootstrap
/// token, get certificates from its CA, talk mTLS to each other, and the server sidecar enforces the MeshPolicy
/// (STRICT mTLS, an ALLOW rule for frontend on <c>/api/*</c>) that the operator compiled for it from the manifests.
/// Cart and frontend run in-process (frontend reads the token file); the intruder is the built <c>mesh-proxy</c>
/// executable started with flags and the token in <c>MESH_BOOTSTRAP_TOKEN</c>, as local mode starts a sidecar.
/// </summary>
[Trait("Category", ProxyProcess.Category)]
public sealed class MeshPolicyEndToEndTests : IAsyncLifetime
{
    private const string Cart = "cart.shop.svc.cluster.local:8080";
    private const string PolicyFile = "cart-policy.yaml";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private TestBackend _backend = null!;
    private LocalOperator _operator = null!;
    private ProxyUnderTest _cart = null!;
    private ProxyUnderTest _frontend = null!;
    private ProxyProcess? _intruder;
    private int _intruderOutboundPort;
    private int _intruderAdminPort;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        _backend = await TestBackend.StartAsync("cart");
        _operator = await LocalOperator.StartAsync(new Dictionary<string, string> { [PolicyFile] = ShopManifests.CartPolicy("STRICT") });
        await Eventually.AssertAsync(() => File.Exists(_operator.BootstrapTokenFile), "the operator wrote its bootstrap token", Deadline);

        // Cart's WorkloadEntry names its sidecar's inbound port, which exists only once that sidecar listens.
        _cart = await StartSidecarAsync("cart", o => o.AppPort = _backend.Port);
        await _operator.WriteAsync("workloads.yaml", ShopManifests.Workloads(_cart.InboundPort));
        _frontend = await StartSidecarAsync("frontend");
        _intruder = StartIntruderProcess(await File.ReadAllTextAsync(_operator.BootstrapTokenFile));

        foreach (var (proxy, account) in new[] { (_cart, "cart"), (_frontend, "frontend") })
        {
            await Eventually.AssertAsync(
                () => CertificateOf(proxy)?.SpiffeId == $"spiffe://cluster.local/ns/shop/sa/{account}",
                $"{account}'s sidecar holds a certificate from the operator's CA",
                Deadline);
        }

        await Eventually.AssertAsync(() => ConfigOf(_cart)?.Inbound.MtlsMode == MtlsMode.Strict, "cart's sidecar serves the STRICT policy", Deadline);
        await Eventually.AssertAsync(
            () => ConfigOf(_frontend)?.Clusters.SelectMany(c => c.Endpoints).Any(e => e.Port == (uint)_cart.InboundPort && e.InMesh && e.Identity == "cluster.local/ns/shop/sa/cart") == true,
            "frontend knows cart's sidecar as an in-mesh endpoint with cart's identity",
            Deadline);

        // The executable shows its certificate only in its log and its config only on /config_dump.
        var intruder = _intruder;
        await Eventually.AssertAsync(
            () => intruder.Stderr.Any(l => l.Contains("Workload certificate for", StringComparison.Ordinal) && l.Contains("spiffe://cluster.local/ns/shop/sa/intruder", StringComparison.Ordinal)),
            "the intruder's sidecar holds a certificate from the operator's CA",
            Deadline);
        await Eventually.AssertAsync(
            async () =>
            {
                try
                {
                    using var dump = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"http://127.0.0.1:{_intruderAdminPort}/config_dump")));
                    return HasInMeshEndpoint(dump.RootElement.GetProperty("config"), _cart.InboundPort);
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            "the intruder's sidecar knows cart's sidecar as an in-mesh endpoint",
            Deadline);
    }

    public async Task DisposeAsync()
    {
        _intruder?.Dispose();
        _http?.Dispose();
        await DisposeIfStartedAsync(_frontend);
        await DisposeIfStartedAsync(_cart);
        await DisposeIfStartedAsync(_operator);
        await DisposeIfStartedAsync(_backend);
    }

    [Fact]
    public async Task Certificates_from_the_operator_carry_frontend_through_strict_mtls_and_the_allow_rule_while_others_are_denied()
    {
        var root = Assert.Single(CertificateOf(_frontend)!.TrustRoots);
        using var operatorRoot = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_operator.CaDirectory, "ca.crt"));
        Assert.Equal(operatorRoot.Thumbprint, root.Thumbprint);

        using (var allowed = await _frontend.GetAsync(Cart, "/api/items"))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        var received = Assert.Single(_backend.Received);
        Assert.Equal("/api/items", received.PathAndQuery);
        var xfcc = received.Headers["x-forwarded-client-cert"];
        Assert.StartsWith("By=spiffe://cluster.local/ns/shop/sa/cart;", xfcc, StringComparison.Ordinal);
        Assert.EndsWith(";URI=spiffe://" + ShopManifests.FrontendPrincipal, xfcc, StringComparison.Ordinal);

        await AssertDeniedAsync(await _frontend.GetAsync(Cart, "/admin"));
        await AssertDeniedAsync(await GetThroughIntruderAsync("/api/items"));

        await Assert.ThrowsAsync<HttpRequestException>(() => GetPlaintextAsync("/api/items"));
        Assert.Single(_backend.Received);
        Assert.Contains("mesh_inbound_plaintext_refused_total 1", await _cart.Admin.GetStringAsync(new Uri("/stats/prometheus", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Editing_the_policy_to_permissive_admits_plaintext_which_the_allow_rule_then_denies()
    {
        await Assert.ThrowsAsync<HttpRequestException>(() => GetPlaintextAsync("/api/items"));

        await _operator.WriteAsync(PolicyFile, ShopManifests.CartPolicy("PERMISSIVE"));

        HttpResponseMessage? plaintext = null;
        await Eventually.AssertAsync(
            async () =>
            {
                try
                {
                    plaintext = await GetPlaintextAsync("/api/items");
                    return true;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            "cart's sidecar serves plaintext after the edit",
            Deadline);
        await AssertDeniedAsync(plaintext!);
        Assert.Equal(MtlsMode.Permissive, ConfigOf(_cart)!.Inbound.MtlsMode);

        using var allowed = await _frontend.GetAsync(Cart, "/api/items");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.EndsWith(";URI=spiffe://" + ShopManifests.FrontendPrincipal, Assert.Single(_backend.Received).Headers["x-forwarded-client-cert"], StringComparison.Ordinal);
    }

    private Task<ProxyUnderTest> StartSidecarAsync(string account, Action<ProxyOptions>? configure = null) => ProxyUnderTest.StartAsync(configure: o =>
    {
        o.DiscoveryAddress = _operator.GrpcAddress;
        o.NodeId = $"{ShopManifests.Namespace}/{account}";
        o.Namespace = ShopManifests.Namespace;
        o.ServiceAccount = account;
        o.Labels = new Dictionary<string, string> { ["app"] = account };
        o.BootstrapTokenFile = _operator.BootstrapTokenFile;
        configure?.Invoke(o);
    });

    private ProxyProcess StartIntruderProcess(string token)
    {
        (_intruderOutboundPort, _intruderAdminPort) = (ProxyProcess.FreePort(), ProxyProcess.FreePort());
        return ProxyProcess.Start(
            [
                "run", "--discovery-address", _operator.GrpcAddress.ToString(), "--node-id", "shop/intruder", "--namespace", ShopManifests.Namespace,
                "--service-account", "intruder", "--labels", "app=intruder", "--outbound-port", ProxyProcess.Text(_intruderOutboundPort),
                "--inbound-port", ProxyProcess.Text(ProxyProcess.FreePort()), "--admin-port", ProxyProcess.Text(_intruderAdminPort),
            ],
            new Dictionary<string, string> { ["MESH_BOOTSTRAP_TOKEN"] = token.Trim() });
    }

    private Task<HttpResponseMessage> GetThroughIntruderAsync(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{_intruderOutboundPort}{path}"));
        request.Headers.Host = Cart;
        return _http.SendAsync(request);
    }

    /// <summary>Whether a config dumped as protobuf JSON has an in-mesh endpoint on 127.0.0.1:<paramref name="port"/>.</summary>
    private static bool HasInMeshEndpoint(JsonElement config, int port) =>
        config.ValueKind == JsonValueKind.Object
        && config.TryGetProperty("clusters", out var clusters)
        && clusters.EnumerateArray().Any(c => c.TryGetProperty("endpoints", out var endpoints) && endpoints.EnumerateArray().Any(e =>
            e.GetProperty("port").GetInt32() == port && e.TryGetProperty("inMesh", out var inMesh) && inMesh.GetBoolean()));

    private static WorkloadCertificate? CertificateOf(ProxyUnderTest proxy) => proxy.Services.GetRequiredService<IWorkloadCertificateSource>().Current;

    private static ProxyConfig? ConfigOf(ProxyUnderTest proxy) => proxy.Services.GetRequiredService<SnapshotHolder>().Current?.Config;

    private static async Task AssertDeniedAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("RBAC: access denied", await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>A request straight to cart's inbound listener without TLS, as a workload without a sidecar sends it.</summary>
    private async Task<HttpResponseMessage> GetPlaintextAsync(string path)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetAsync(new Uri($"http://127.0.0.1:{_cart.InboundPort}{path}"));
    }

    private static ValueTask DisposeIfStartedAsync(IAsyncDisposable? resource) => resource?.DisposeAsync() ?? ValueTask.CompletedTask;
}
