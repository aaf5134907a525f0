using System.Net;
using System.Security.Cryptography.X509Certificates;
using Mesh.Proxy.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Proxy.Tests.Tls;

/// <summary>
/// DestinationRule tls modes SIMPLE and MUTUAL towards a host outside the mesh: the operator compiles the rule, the
/// real proxy originates TLS to a real Kestrel HTTPS server on 127.0.0.1 whose certificate a test CA issued.
/// </summary>
public sealed class ExternalTlsOriginationTests : IAsyncLifetime
{
    private readonly TestCertificateAuthority _ca = new("external test CA");
    private readonly TestCertificateAuthority _otherCa = new("unrelated CA");
    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-tls-").FullName;
    private WebApplication _server = null!;
    private int _port;

    private string CaFile => Path.Combine(_directory, "ca.pem");

    private string OtherCaFile => Path.Combine(_directory, "other-ca.pem");

    private string ClientCertFile => Path.Combine(_directory, "client.pem");

    private string ClientKeyFile => Path.Combine(_directory, "client.key");

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(CaFile, _ca.Root.ExportCertificatePem());
        await File.WriteAllTextAsync(OtherCaFile, _otherCa.Root.ExportCertificatePem());
        using var client = _ca.IssueTls("client.example");
        await File.WriteAllTextAsync(ClientCertFile, client.ExportCertificatePem());
        await File.WriteAllTextAsync(ClientKeyFile, client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());

        var serverCertificate = _ca.IssueTls("shop.example");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = serverCertificate,
            ClientCertificateMode = ClientCertificateMode.AllowCertificate,

            // The test reports what the client presented; trust is not the server's concern here.
            ClientCertificateValidation = (_, _, _) => true,
        })));
        _server = builder.Build();
        _server.Run(context => context.Response.WriteAsync("tls client=" + (context.Connection.ClientCertificate?.Subject ?? "none")));
        await _server.StartAsync();
        _port = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _ca.Dispose();
        _otherCa.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Simple_trusts_the_configured_ca_and_checks_the_sni()
    {
        await using var proxy = await StartAsync($"mode: SIMPLE, sni: shop.example, caCertificates: {CaFile}");

        Assert.Equal("tls client=none", await GetAsync(proxy));
    }

    [Theory]
    [InlineData("mode: SIMPLE, sni: shop.example", "the system's roots do not include the test CA")]
    [InlineData("mode: SIMPLE, sni: shop.example, caCertificates: {OTHER}", "another CA")]
    [InlineData("mode: SIMPLE, sni: wrong.example, caCertificates: {CA}", "a name the certificate does not carry")]
    [InlineData("mode: SIMPLE, sni: shop.example, caCertificates: {CA}, subjectAltNames: [other.example]", "a subjectAltName the certificate does not carry")]
    public async Task Simple_refuses_a_server_it_cannot_verify(string tls, string why)
    {
        await using var proxy = await StartAsync(tls.Replace("{OTHER}", OtherCaFile, StringComparison.Ordinal).Replace("{CA}", CaFile, StringComparison.Ordinal));

        using var response = await proxy.GetAsync("shop-external:443");

        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{why}: got {response.StatusCode}");
    }

    [Fact]
    public async Task Simple_with_subject_alt_names_accepts_a_listed_name_whatever_the_sni()
    {
        await using var proxy = await StartAsync($"mode: SIMPLE, sni: anything.example, caCertificates: {CaFile}, subjectAltNames: [shop.example]");

        Assert.Equal("tls client=none", await GetAsync(proxy));
    }

    [Fact]
    public async Task Insecure_skip_verify_accepts_an_unverifiable_server()
    {
        await using var proxy = await StartAsync("mode: SIMPLE, sni: wrong.example, insecureSkipVerify: true");

        Assert.Equal("tls client=none", await GetAsync(proxy));
    }

    [Fact]
    public async Task Mutual_presents_the_configured_client_certificate()
    {
        await using var proxy = await StartAsync($"mode: MUTUAL, sni: shop.example, caCertificates: {CaFile}, clientCertificate: {ClientCertFile}, privateKey: {ClientKeyFile}");

        Assert.Equal("tls client=CN=client.example", await GetAsync(proxy));
    }

    private Task<ProxyUnderTest> StartAsync(string tls) => ProxyUnderTest.StartAsync(CompiledManifests.For($$"""
        apiVersion: v1
        kind: Service
        metadata: { name: shop-external, namespace: default }
        spec:
          selector: { app: shop-external }
          ports: [{ name: https, port: 443, targetPort: {{_port}} }]
        ---
        apiVersion: mesh.io/v1alpha1
        kind: WorkloadEntry
        metadata: { name: shop-vm, namespace: default }
        spec: { address: 127.0.0.1, labels: { app: shop-external } }
        ---
        apiVersion: mesh.io/v1alpha1
        kind: DestinationRule
        metadata: { name: shop-external, namespace: default }
        spec:
          host: shop-external
          trafficPolicy:
            tls: { {{tls}} }
        """));

    private static async Task<string> GetAsync(ProxyUnderTest proxy)
    {
        using var response = await proxy.GetAsync("shop-external:443");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
