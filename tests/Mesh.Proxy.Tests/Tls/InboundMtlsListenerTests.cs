using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Mesh.Api.V1;
using Mesh.Proxy.Identity;
using Mesh.Proxy.Tests.Fixtures;

namespace Mesh.Proxy.Tests.Tls;

/// <summary>The inbound listener's first-bytes detection and TLS termination, driven by a raw TLS client.</summary>
public sealed class InboundMtlsListenerTests : IDisposable
{
    private readonly TestCertificateAuthority _ca = new();

    public void Dispose() => _ca.Dispose();

    [Theory]
    [InlineData("h2")]
    [InlineData("http/1.1")]
    public async Task Tls_termination_negotiates_the_protocol_the_client_sidecar_offers(string alpn)
    {
        await using var pair = await SidecarPair.StartAsync(MtlsMode.Strict, _ca.Issue(SidecarPair.ServerPrincipal), null);
        var client = _ca.Issue(SidecarPair.ClientPrincipal);

        await using var tls = await ConnectAsync(pair.Server.InboundPort, client, alpn);

        Assert.Equal(alpn, Encoding.ASCII.GetString(tls.NegotiatedApplicationProtocol.Protocol.Span));
        Assert.Equal("spiffe://" + SidecarPair.ServerPrincipal, Proxy.Identity.SpiffeId.Scheme + Proxy.Identity.SpiffeId.Principal(new System.Security.Cryptography.X509Certificates.X509Certificate2(tls.RemoteCertificate!)));
    }

    [Fact]
    public async Task A_client_without_a_certificate_cannot_complete_the_handshake()
    {
        await using var pair = await SidecarPair.StartAsync(MtlsMode.Permissive, _ca.Issue(SidecarPair.ServerPrincipal), null);

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var tls = await ConnectAsync(pair.Server.InboundPort, null, "http/1.1");

            // TLS 1.3 reports the refused client certificate on the first read, not in the handshake.
            await tls.WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            var read = await tls.ReadAsync(new byte[256]);
            Assert.True(read > 0, "the server closed the connection");
        });
        Assert.Empty(pair.Backend.Received);
    }

    [Fact]
    public async Task Under_disable_a_tls_client_hello_is_not_answered_with_a_handshake()
    {
        await using var pair = await SidecarPair.StartAsync(MtlsMode.Disable, _ca.Issue(SidecarPair.ServerPrincipal), null);

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var tls = await ConnectAsync(pair.Server.InboundPort, _ca.Issue(SidecarPair.ClientPrincipal), "http/1.1");
        });
    }

    [Fact]
    public async Task Permissive_still_serves_h2c_prior_knowledge_in_plaintext()
    {
        await using var pair = await SidecarPair.StartAsync(MtlsMode.Permissive, _ca.Issue(SidecarPair.ServerPrincipal), null);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{pair.Server.InboundPort}/h2c"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
    }

    [Fact]
    public async Task A_server_without_a_certificate_yet_refuses_tls_but_serves_plaintext_under_permissive()
    {
        await using var pair = await SidecarPair.StartAsync(MtlsMode.Permissive, serverCertificate: null, null);

        await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(pair.Server.InboundPort, _ca.Issue(SidecarPair.ClientPrincipal), "http/1.1"));
        using var plaintext = await pair.GetPlaintextInboundAsync();

        Assert.Equal(HttpStatusCode.OK, plaintext.StatusCode);
    }

    private static async Task<SslStream> ConnectAsync(int port, Proxy.Identity.WorkloadCertificate? client, string alpn)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "reviews.default.svc.cluster.local",
            ApplicationProtocols = [new SslApplicationProtocol(alpn)],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        };
        if (client is not null)
        {
            options.ClientCertificateContext = SslStreamCertificateContext.Create(client.Certificate, null, offline: true);
        }

        try
        {
            await tls.AuthenticateAsClientAsync(options).WaitAsync(TimeSpan.FromSeconds(10));
            return tls;
        }
        catch
        {
            await tls.DisposeAsync();
            tcp.Dispose();
            throw;
        }
    }
}
