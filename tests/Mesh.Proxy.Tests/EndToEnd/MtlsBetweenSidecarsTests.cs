using System.Net;
using Mesh.Api.V1;
using Mesh.Proxy.Identity;
using Mesh.Proxy.Tests.Fixtures;

namespace Mesh.Proxy.Tests.EndToEnd;

/// <summary>
/// Mutual TLS between two real sidecars on loopback (client sidecar outbound → server sidecar inbound → backend),
/// with certificates from a test CA, as issue 7 asks: real handshakes, STRICT refusing plaintext, PERMISSIVE
/// accepting both, DISABLE staying plain, wrong identities and untrusted CAs refused.
/// </summary>
public sealed class MtlsBetweenSidecarsTests : IDisposable
{
    private readonly TestCertificateAuthority _ca = new();

    public void Dispose() => _ca.Dispose();

    // HTTP2 clusters speak prior-knowledge h2 inside the TLS stream: it only works when ALPN made Kestrel pick h2.
    [Theory]
    [InlineData(UpstreamProtocol.Http1)]
    [InlineData(UpstreamProtocol.Http2)]
    public async Task Strict_inbound_serves_a_sidecar_over_mtls_and_tells_the_app_who_called(UpstreamProtocol protocol)
    {
        await using var pair = await SidecarPair.StartAsync(MtlsMode.Strict, Server(), Client(), c => c.Protocol = protocol);

        using var response = await pair.GetThroughBothAsync("/strict");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(pair.Backend.Received);
        Assert.Equal("/strict", received.PathAndQuery);
        var xfcc = received.Headers["x-forwarded-client-cert"];
        Assert.Contains("URI=spiffe://" + SidecarPair.ClientPrincipal, xfcc, StringComparison.Ordinal);
        Assert.StartsWith("By=spiffe://" + SidecarPair.ServerPrincipal, xfcc, StringComparison.Ordinal);
        Assert.Contains("Hash=" + Sha256(pair.ClientCertificates.Current!.Certificate), xfcc, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Strict_inbound_closes_plaintext_connections_and_counts_them()
    {
        await using var pair = await SidecarPair.StartAsync(MtlsMode.Strict, Server(), Client());

        await Assert.ThrowsAsync<HttpRequestException>(() => pair.GetPlaintextInboundAsync());

        Assert.Empty(pair.Backend.Received);
        var stats = await pair.Server.Admin.GetStringAsync("/stats/prometheus");
        Assert.Contains("mesh_inbound_plaintext_refused_total 1", stats, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_sidecar_without_a_certificate_falls_back_to_plaintext_which_strict_refuses()
    {
        await using var pair = await SidecarPair.StartAsync(MtlsMode.Strict, Server(), clientCertificate: null);

        using var response = await pair.GetThroughBothAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(pair.Backend.Received);
    }

    [Fact]
    public async Task Permissive_inbound_accepts_both_mtls_and_plaintext()
    {
        await using var pair = await SidecarPair.StartAsync(MtlsMode.Permissive, Server(), Client());

        using var viaMtls = await pair.GetThroughBothAsync("/mtls");
        using var plaintext = await pair.GetPlaintextInboundAsync("/plain");

        Assert.Equal(HttpStatusCode.OK, viaMtls.StatusCode);
        Assert.Equal(HttpStatusCode.OK, plaintext.StatusCode);
        var requests = pair.Backend.Received.ToDictionary(r => r.PathAndQuery);
        Assert.Contains("URI=spiffe://" + SidecarPair.ClientPrincipal, requests["/mtls"].Headers["x-forwarded-client-cert"], StringComparison.Ordinal);
        Assert.False(requests["/plain"].Headers.ContainsKey("x-forwarded-client-cert"));
    }

    [Fact]
    public async Task A_plaintext_caller_cannot_claim_an_identity_with_its_own_forwarded_client_cert_header()
    {
        await using var pair = await SidecarPair.StartAsync(MtlsMode.Permissive, Server(), Client());
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{pair.Server.InboundPort}/spoof"));
        request.Headers.TryAddWithoutValidation("x-forwarded-client-cert", "URI=spiffe://cluster.local/ns/admin/sa/root");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(Assert.Single(pair.Backend.Received).Headers.ContainsKey("x-forwarded-client-cert"));
    }

    [Fact]
    public async Task Disable_inbound_serves_plaintext_from_a_client_sidecar_told_not_to_use_tls()
    {
        await using var pair = await SidecarPair.StartAsync(MtlsMode.Disable, Server(), Client(), c => c.Tls = new ClientTls { Mode = ClientTls.Types.Mode.Disable });

        using var viaSidecar = await pair.GetThroughBothAsync("/sidecar");
        using var direct = await pair.GetPlaintextInboundAsync("/direct");

        Assert.Equal(HttpStatusCode.OK, viaSidecar.StatusCode);
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        Assert.All(pair.Backend.Received, r => Assert.False(r.Headers.ContainsKey("x-forwarded-client-cert")));
    }

    [Fact]
    public async Task Disable_inbound_does_not_terminate_tls()
    {
        await using var pair = await SidecarPair.StartAsync(MtlsMode.Disable, Server(), Client());

        using var response = await pair.GetThroughBothAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(pair.Backend.Received);
    }

    [Fact]
    public async Task A_server_presenting_another_identity_than_the_endpoint_s_is_refused_with_503()
    {
        await using var pair = await SidecarPair.StartAsync(MtlsMode.Strict, _ca.Issue("cluster.local/ns/default/sa/impostor"), Client());

        using var response = await pair.GetThroughBothAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("connection failure", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(pair.Backend.Received);
        var stats = await pair.Client.Admin.GetStringAsync("/stats/prometheus");
        Assert.Contains("mesh_tls_peer_refused_total{direction=\"outbound\",reason=\"unexpected identity\"}", stats, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subject_alt_names_in_the_destination_rule_replace_the_endpoint_identity()
    {
        const string Canary = "cluster.local/ns/default/sa/reviews-canary";
        await using var accepted = await SidecarPair.StartAsync(MtlsMode.Strict, _ca.Issue(Canary), Client(), c =>
            c.Tls = new ClientTls { Mode = ClientTls.Types.Mode.MeshMutual, SubjectAltNames = { "spiffe://" + Canary } });
        await using var refused = await SidecarPair.StartAsync(MtlsMode.Strict, Server(), Client(), c =>
            c.Tls = new ClientTls { Mode = ClientTls.Types.Mode.MeshMutual, SubjectAltNames = { Canary } });

        using var canary = await accepted.GetThroughBothAsync();
        using var reviews = await refused.GetThroughBothAsync();

        Assert.Equal(HttpStatusCode.OK, canary.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, reviews.StatusCode);
    }

    [Fact]
    public async Task A_server_certificate_from_an_untrusted_ca_is_refused_by_the_client_sidecar()
    {
        using var rogue = new TestCertificateAuthority("rogue CA");
        await using var pair = await SidecarPair.StartAsync(MtlsMode.Strict, rogue.Issue(SidecarPair.ServerPrincipal, _ca.Root), Client());

        using var response = await pair.GetThroughBothAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(pair.Backend.Received);
    }

    [Fact]
    public async Task A_client_certificate_from_an_untrusted_ca_is_refused_inbound()
    {
        using var rogue = new TestCertificateAuthority("rogue CA");

        // The client trusts the real CA, so the server passes its checks; only the server's check can refuse.
        await using var pair = await SidecarPair.StartAsync(MtlsMode.Strict, Server(), rogue.Issue(SidecarPair.ClientPrincipal, _ca.Root));

        using var response = await pair.GetThroughBothAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(pair.Backend.Received);
        var stats = await pair.Server.Admin.GetStringAsync("/stats/prometheus");
        Assert.Contains("mesh_tls_peer_refused_total{direction=\"inbound\",reason=\"untrusted certificate\"}", stats, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mesh_mutual_without_a_certificate_fails_instead_of_sending_plaintext()
    {
        await using var pair = await SidecarPair.StartAsync(MtlsMode.Permissive, Server(), clientCertificate: null, c =>
            c.Tls = new ClientTls { Mode = ClientTls.Types.Mode.MeshMutual });

        using var response = await pair.GetThroughBothAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(pair.Backend.Received);
    }

    [Fact]
    public async Task Auto_sends_plaintext_to_an_endpoint_outside_the_mesh()
    {
        await using var pair = await SidecarPair.StartAsync(MtlsMode.Permissive, Server(), Client(), c => c.Endpoints[0].InMesh = false);

        using var response = await pair.GetThroughBothAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(Assert.Single(pair.Backend.Received).Headers.ContainsKey("x-forwarded-client-cert"));
    }

    [Fact]
    public async Task A_port_override_makes_the_app_port_strict_under_a_permissive_workload()
    {
        await using var pair = await SidecarPair.StartAsync(MtlsMode.Permissive, Server(), Client());
        pair.SetServerInbound(new InboundConfig { MtlsMode = MtlsMode.Permissive, PortMtls = { [(uint)pair.Backend.Port] = MtlsMode.Strict } });

        await Assert.ThrowsAsync<HttpRequestException>(() => pair.GetPlaintextInboundAsync());
        using var viaMtls = await pair.GetThroughBothAsync();

        Assert.Equal(HttpStatusCode.OK, viaMtls.StatusCode);
    }

    internal static string Sha256(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) =>
        Convert.ToHexStringLower(certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256));

    private WorkloadCertificate Server() => _ca.Issue(SidecarPair.ServerPrincipal);

    private WorkloadCertificate Client() => _ca.Issue(SidecarPair.ClientPrincipal);
}
