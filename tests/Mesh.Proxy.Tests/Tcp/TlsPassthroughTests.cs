using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.Tcp;

/// <summary>
/// VirtualService tls routes through the real proxy: the route is chosen by the ClientHello's SNI and the bytes are
/// passed through, so the client completes TLS with the backend itself and verifies its certificate (the proxy has
/// no key for these names). Garbage where a ClientHello should be never takes the listener down.
/// </summary>
public sealed class TlsPassthroughTests : IAsyncLifetime
{
    private const string Manifests = """
        ---
        apiVersion: mesh.io/v1alpha1
        kind: DestinationRule
        metadata: { name: tls-gw, namespace: default }
        spec:
          host: tls-gw
          subsets:
          - { name: a, labels: { version: a } }
          - { name: b, labels: { version: b } }
        ---
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: { name: tls-gw, namespace: default }
        spec:
          hosts: [tls-gw, "*.example.com"]
          tls:
          - match: [{ sniHosts: [a.example.com] }]
            route: [{ destination: { host: tls-gw, subset: a } }]
          - match: [{ sniHosts: ["*.example.com"] }]
            route: [{ destination: { host: tls-gw, subset: b } }]

        """;

    private readonly TestCertificateAuthority _ca = new("tls passthrough test CA");
    private TcpEchoBackend _a = null!;
    private TcpEchoBackend _b = null!;
    private ProxyUnderTest _proxy = null!;

    public async Task InitializeAsync()
    {
        _a = TcpEchoBackend.Start("tls-a", _ca.IssueTls("a.example.com"));
        _b = TcpEchoBackend.Start("tls-b", _ca.IssueTls("b.example.com"));
        var service = CompiledManifests.Service("tls-gw", [("tls", 8443)], [(_a.Name, _a.Port, ", version: a"), (_b.Name, _b.Port, ", version: b")]);
        _proxy = await ProxyUnderTest.StartAsync(CompiledManifests.For(service + Manifests));
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        _ca.Dispose();
    }

    [Theory]
    [InlineData("a.example.com", "tls-a")]
    [InlineData("b.example.com", "tls-b")]
    public async Task The_server_name_picks_the_backend_and_the_client_verifies_its_certificate(string serverName, string backend)
    {
        Assert.Equal(backend, await GreetingOverTlsAsync(serverName));
    }

    [Fact]
    public async Task Garbage_and_truncated_client_hellos_never_break_the_listener()
    {
        var hello = await ClientHelloTests.CaptureAsync("a.example.com");
        var random = new Random(16);
        List<byte[]> inputs =
        [
            [],
            [0x16],
            [0x16, 0x03, 0x01, 0xFF, 0xFF],
            [0x16, 0x03, 0x01, 0x00, 0x00],
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(),
        ];
        for (var cut = 1; cut < hello.Length; cut += Math.Max(1, hello.Length / 40))
        {
            inputs.Add(hello[..cut]);
        }

        for (var i = 0; i < 40; i++)
        {
            var mangled = (byte[])hello.Clone();
            for (var flips = 0; flips < 4; flips++)
            {
                mangled[random.Next(5, mangled.Length)] = (byte)random.Next(256);
            }

            inputs.Add(mangled);
            var noise = new byte[random.Next(1, 600)];
            random.NextBytes(noise);
            inputs.Add(noise);
        }

        foreach (var input in inputs)
        {
            using var socket = await TcpTunnel.OpenOkAsync(_proxy.OutboundPort, "tls-gw:8443");
            await using var stream = new NetworkStream(socket, ownsSocket: false);

            // Whatever the proxy does with it (forward, close), it ends the connection rather than hanging.
            try
            {
                await stream.WriteAsync(input);
                socket.Shutdown(SocketShutdown.Send);
                await TcpTunnel.ReadToEndAsync(stream, TimeSpan.FromSeconds(20));
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                // A reset is an end too.
            }
        }

        Assert.Equal("tls-a", await GreetingOverTlsAsync("a.example.com"));
    }

    private async Task<string> GreetingOverTlsAsync(string serverName)
    {
        using var socket = await TcpTunnel.OpenOkAsync(_proxy.OutboundPort, "tls-gw:8443");
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedByTestCa(certificate, errors),
        }).WithTimeout("the TLS handshake with the backend");
        return await TcpTunnel.ReadLineAsync(tls).WithTimeout("the backend's greeting");
    }

    // The name must match (SslStream checks it); the chain must end at this test's CA and nowhere else.
    private bool TrustedByTestCa(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca.Root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(new X509Certificate2(certificate));
    }
}
