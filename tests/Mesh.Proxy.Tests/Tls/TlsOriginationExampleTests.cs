using System.Net;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Proxy.Tests.Tls;

/// <summary>
/// examples/tls-origination end to end: its manifests, compiled by the real compiler, make the real proxy answer the
/// app's plain HTTP request over TLS to a Kestrel HTTPS server on localhost that stands in for the external API. The
/// test moves only what differs on a test machine: the server's port (8443 in the example) and the CA file's path.
/// </summary>
public sealed class TlsOriginationExampleTests : IAsyncLifetime
{
    private const string ExampleCaFile = "/tmp/mesh-tls-origination/ca.pem";

    private readonly TestCertificateAuthority _ca = new("payments example CA");
    private readonly TestCertificateAuthority _otherCa = new("unrelated CA");
    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-tls-example-").FullName;
    private WebApplication _server = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        var certificate = _ca.IssueTls("payments.example");
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(new HttpsConnectionAdapterOptions
        {
            // Kestrel hands the selector the server name of the ClientHello; the answer reports it.
            ServerCertificateSelector = (connection, name) =>
            {
                connection!.Items["sni"] = name;
                return certificate;
            },
        })));
        _server = builder.Build();
        _server.Run(context => context.Response.WriteAsync("payments over TLS, sni=" + context.Features.Get<IConnectionItemsFeature>()?.Items["sni"]));
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
    public async Task The_apps_plain_http_request_reaches_the_https_server_with_the_examples_sni()
    {
        await using var proxy = await StartAsync(_ca);

        using var response = await proxy.GetAsync($"payments.default.svc.cluster.local:{_port}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("payments over TLS, sni=payments.example", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_server_whose_certificate_does_not_chain_to_the_examples_ca_is_refused()
    {
        await using var proxy = await StartAsync(_otherCa);

        using var response = await proxy.GetAsync($"payments.default.svc.cluster.local:{_port}");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    private async Task<ProxyUnderTest> StartAsync(TestCertificateAuthority trusted)
    {
        var caFile = Path.Combine(_directory, "ca.pem");
        await File.WriteAllTextAsync(caFile, trusted.Root.ExportCertificatePem());
        var manifests = string.Join("\n---\n", Directory.GetFiles(RepositoryPaths.Combine("examples", "tls-origination"), "*.yaml")
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllText));
        Assert.Contains("port: 8443", manifests, StringComparison.Ordinal);
        Assert.Contains(ExampleCaFile, manifests, StringComparison.Ordinal);
        var config = CompiledManifests.For(
            manifests.Replace("port: 8443", $"port: {_port}", StringComparison.Ordinal).Replace(ExampleCaFile, caFile, StringComparison.Ordinal),
            "default/checkout",
            new Dictionary<string, string> { ["app"] = "checkout" });
        return await ProxyUnderTest.StartAsync(config);
    }
}
