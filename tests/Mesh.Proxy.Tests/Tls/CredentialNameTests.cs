using System.Net;
using System.Security.Cryptography.X509Certificates;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing.Operator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Eventually = Mesh.Testing.Eventually;

namespace Mesh.Proxy.Tests.Tls;

/// <summary>
/// DestinationRule tls.credentialName end to end in local mode: the real operator reads a workload-selected rule and a
/// Secret manifest from its directory, the real proxy gets the Secret's material over the config stream and originates
/// TLS with it to a Kestrel HTTPS server on 127.0.0.1 whose certificate a test CA issued.
/// </summary>
public sealed class CredentialNameTests : IAsyncLifetime
{
    private const string NodeId = "default/client-1";

    private readonly TestCertificateAuthority _ca = new("backend CA");
    private readonly TestCertificateAuthority _otherCa = new("unrelated CA");
    private WebApplication _server = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = _ca.IssueTls("shop.example"),
            ClientCertificateMode = ClientCertificateMode.AllowCertificate,

            // The backend requires a client certificate its own CA issued when one is presented; the response says which.
            ClientCertificateValidation = (certificate, _, _) => certificate.Issuer == _ca.Root.Subject,
        })));
        _server = builder.Build();
        _server.Run(context => context.Response.WriteAsync("client=" + (context.Connection.ClientCertificate?.Subject ?? "none")));
        await _server.StartAsync();
        _port = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _ca.Dispose();
        _otherCa.Dispose();
    }

    [Fact]
    public async Task Simple_verifies_the_backend_against_the_ca_of_the_secret()
    {
        await using var mesh = await StartAsync("SIMPLE", Secret("shop-tls", ("ca.crt", _ca.Root.ExportCertificatePem())));

        await Eventually.AssertAsync(async () => await BodyAsync(mesh.Proxy) == "client=none", "the proxy trusts the backend through the Secret's CA");
    }

    [Fact]
    public async Task Simple_refuses_the_backend_when_the_secret_holds_another_ca()
    {
        await using var mesh = await StartAsync("SIMPLE", Secret("shop-tls", ("ca.crt", _otherCa.Root.ExportCertificatePem())));
        await WaitForCredentialAsync(mesh);

        using var response = await mesh.Proxy.GetAsync("shop:443");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Mutual_presents_the_secrets_certificate_and_a_rotation_reaches_the_backend_without_restart()
    {
        await using var mesh = await StartAsync("MUTUAL", ClientSecret("client-1"));
        await Eventually.AssertAsync(async () => await BodyAsync(mesh.Proxy) == "client=CN=client-1", "the backend sees the Secret's client certificate");

        await mesh.Operator.WriteAsync("secret.yaml", ClientSecret("client-2"));

        await Eventually.AssertAsync(async () => await BodyAsync(mesh.Proxy) == "client=CN=client-2", "the rotated certificate reaches the backend", TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Generic_keys_with_a_cacert_companion_secret_work_as_istio_reads_them()
    {
        using var client = _ca.IssueTls("client-generic");
        var secrets = Secret("shop-tls", ("cert", client.ExportCertificatePem()), ("key", client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem()))
            + "---\n" + Secret("shop-tls-cacert", ("cacert", _ca.Root.ExportCertificatePem()));
        await using var mesh = await StartAsync("MUTUAL", secrets);

        await Eventually.AssertAsync(async () => await BodyAsync(mesh.Proxy) == "client=CN=client-generic", "cert/key and the -cacert companion are read");
    }

    [Fact]
    public async Task No_dump_shows_the_private_key()
    {
        await using var mesh = await StartAsync("MUTUAL", ClientSecret("client-1"));
        await Eventually.AssertAsync(async () => await BodyAsync(mesh.Proxy) == "client=CN=client-1", "the proxy has the credential");
        using var http = new HttpClient { BaseAddress = mesh.Operator.HttpAddress };

        foreach (var dump in new[]
        {
            await http.GetStringAsync($"/debug/config?proxy={NodeId}"),
            await http.GetStringAsync($"/ui/api/proxies/diff?proxy={NodeId}"),
            await http.GetStringAsync("/debug/proxies"),
            await mesh.Proxy.Admin.GetStringAsync("/config_dump"),
        })
        {
            Assert.DoesNotContain("PRIVATE KEY", dump, StringComparison.Ordinal);
            Assert.DoesNotContain(KeyBody(mesh.Key), dump, StringComparison.Ordinal);
        }

        Assert.Contains("[redacted]", await http.GetStringAsync($"/debug/config?proxy={NodeId}"), StringComparison.Ordinal);
        Assert.Contains("[redacted]", await mesh.Proxy.Admin.GetStringAsync("/config_dump"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_secret_is_reported_on_the_rule_and_the_proxy_keeps_the_material_it_had()
    {
        await using var mesh = await StartAsync("MUTUAL", ClientSecret("client-1"));
        await Eventually.AssertAsync(async () => await BodyAsync(mesh.Proxy) == "client=CN=client-1", "the proxy has the credential");

        File.Delete(Path.Combine(mesh.Operator.Directory, "secret.yaml"));

        using var http = new HttpClient { BaseAddress = mesh.Operator.HttpAddress };
        await Eventually.AssertAsync(
            async () => (await http.GetStringAsync("/debug/resources")).Contains("spec.trafficPolicy.tls.credentialName", StringComparison.Ordinal),
            "the rule's status names the field whose Secret is gone");
        Assert.Contains("Secret default/shop-tls not found", await http.GetStringAsync("/debug/resources"), StringComparison.Ordinal);
        Assert.Equal("client=CN=client-1", await BodyAsync(mesh.Proxy));
    }

    private async Task<LocalMesh> StartAsync(string mode, string secrets)
    {
        var controlPlane = await LocalOperator.StartAsync(new Dictionary<string, string>
        {
            ["shop.yaml"] = Shop(mode),
            ["secret.yaml"] = secrets,
        });
        var proxy = await ProxyUnderTest.StartAsync(configure: options =>
        {
            options.DiscoveryAddress = controlPlane.GrpcAddress;
            options.BootstrapTokenFile = controlPlane.BootstrapTokenFile;
            options.NodeId = NodeId;
            options.Labels = new Dictionary<string, string> { ["app"] = "client" };
        });
        return new LocalMesh(controlPlane, proxy, _lastKey ?? "");
    }

    private string? _lastKey;

    private string ClientSecret(string name)
    {
        using var client = _ca.IssueTls(name);
        _lastKey = client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem();
        return Secret("shop-tls", ("tls.crt", client.ExportCertificatePem()), ("tls.key", _lastKey), ("ca.crt", _ca.Root.ExportCertificatePem()));
    }

    private static string Secret(string name, params (string Key, string Value)[] data) =>
        $"apiVersion: v1\nkind: Secret\nmetadata: {{ name: {name}, namespace: default }}\ndata:\n"
        + string.Concat(data.Select(d => $"  {d.Key}: {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(d.Value))}\n"));

    private string Shop(string mode) => $$"""
        apiVersion: v1
        kind: Service
        metadata: { name: shop, namespace: default }
        spec:
          selector: { app: shop }
          ports: [{ name: https, port: 443, targetPort: {{_port}} }]
        ---
        apiVersion: mesh.io/v1alpha1
        kind: WorkloadEntry
        metadata: { name: shop-vm, namespace: default }
        spec: { address: 127.0.0.1, labels: { app: shop } }
        ---
        apiVersion: mesh.io/v1alpha1
        kind: DestinationRule
        metadata: { name: shop-from-client, namespace: default }
        spec:
          host: shop
          workloadSelector: { matchLabels: { app: client } }
          trafficPolicy:
            tls: { mode: {{mode}}, sni: shop.example, credentialName: shop-tls }

        """;

    private static async Task WaitForCredentialAsync(LocalMesh mesh) =>
        await Eventually.AssertAsync(
            async () => (await mesh.Proxy.Admin.GetStringAsync("/config_dump")).Contains("shop-tls", StringComparison.Ordinal),
            "the proxy has the rule's credential");

    private static async Task<string> BodyAsync(ProxyUnderTest proxy)
    {
        using var response = await proxy.GetAsync("shop:443");
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : response.StatusCode.ToString();
    }

    // The base64 body of a PEM key, without its armour: what a leak would contain in any encoding of the text.
    private static string KeyBody(string pem) => pem.Split('\n')[1];

    private sealed record LocalMesh(LocalOperator Operator, ProxyUnderTest Proxy, string Key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Proxy.DisposeAsync();
            await Operator.DisposeAsync();
        }
    }
}
