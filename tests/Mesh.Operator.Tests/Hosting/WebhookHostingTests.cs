using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Mesh.Operator.Hosting;
using Mesh.Operator.Tests.Injection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Operator.Tests.Hosting;

/// <summary>
/// The webhook as the operator serves it: HTTPS on its own port with a certificate from PEM files, and namespace
/// labels read from the operator's source.
/// </summary>
public sealed class WebhookHostingTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-webhook-").FullName;
    private X509Certificate2 _certificate = null!;
    private WebApplication _operator = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=mesh-operator.mesh-system.svc", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("mesh-operator.mesh-system.svc");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        await File.WriteAllTextAsync(Path.Combine(_directory, "tls.crt"), _certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(_directory, "tls.key"), key.ExportPkcs8PrivateKeyPem());
        var manifests = Directory.CreateDirectory(Path.Combine(_directory, "manifests")).FullName;
        await File.WriteAllTextAsync(Path.Combine(manifests, "namespaces.yaml"), """
            apiVersion: v1
            kind: Namespace
            metadata: { name: injected, labels: { mesh.io/injection: enabled } }
            ---
            apiVersion: v1
            kind: Namespace
            metadata: { name: plain }
            """);

        _operator = OperatorHost.Build(new OperatorOptions
        {
            Source = "dir:" + manifests,
            GrpcPort = 0,
            HttpPort = 0,
            WebhookPort = 0,
            ListenAddress = "127.0.0.1",
            LogLevel = "Warning",
            WebhookCertFile = Path.Combine(_directory, "tls.crt"),
            WebhookKeyFile = Path.Combine(_directory, "tls.key"),
        });
        await _operator.StartAsync();
        var port = _operator.Services.GetRequiredService<OperatorListeners>().WebhookPort;
        var expected = _certificate;
        _client = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(expected.RawData) },
        })
        {
            BaseAddress = new Uri($"https://127.0.0.1:{port}"),
        };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _operator.StopAsync();
        await _operator.DisposeAsync();
        _certificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_pod_in_a_namespace_labelled_for_injection_gets_a_patch_over_https()
    {
        var pod = AdmissionReviews.RealisticPod();
        pod.Annotations().Remove("mesh.io/inject");

        var response = await ReviewAsync(AdmissionReviews.For(pod, "injected"));

        Assert.True(response["allowed"]!.GetValue<bool>());
        Assert.Equal("JSONPatch", response["patchType"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_pod_in_an_unlabelled_namespace_is_allowed_unchanged()
    {
        var pod = AdmissionReviews.RealisticPod();
        pod.Annotations().Remove("mesh.io/inject");

        var response = await ReviewAsync(AdmissionReviews.For(pod, "plain"));

        Assert.True(response["allowed"]!.GetValue<bool>());
        Assert.Null(response["patch"]);
    }

    private async Task<JsonObject> ReviewAsync(JsonObject review)
    {
        using var response = await _client.PostAsJsonAsync("/inject", review);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return body["response"]!.AsObject();
    }
}
