using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Kubernetes.LeaderElection;
using Mesh.Operator.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.IntegrationTests.Fixtures;

/// <summary>
/// The real operator host, in process, with <c>--source kube</c> against the test cluster, on loopback ports, its
/// webhook served over HTTPS with a throwaway self-signed certificate, its Lease in the run's namespace.
/// </summary>
internal sealed class OutOfClusterOperator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _directory;
    private readonly X509Certificate2 _certificate;

    private OutOfClusterOperator(WebApplication app, string directory, X509Certificate2 certificate)
    {
        _app = app;
        _directory = directory;
        _certificate = certificate;
        var listeners = app.Services.GetRequiredService<OperatorListeners>();
        HttpAddress = new Uri($"http://127.0.0.1:{listeners.HttpPort}");
        Webhook = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(certificate.RawData) },
        })
        {
            BaseAddress = new Uri($"https://127.0.0.1:{listeners.WebhookPort}"),
        };
    }

    public Uri HttpAddress { get; }

    /// <summary>A client of the webhook port that trusts exactly the operator's certificate.</summary>
    public HttpClient Webhook { get; }

    public static async Task<OutOfClusterOperator> StartAsync(Cluster cluster)
    {
        var directory = Directory.CreateTempSubdirectory("mesh-it-").FullName;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=mesh-operator", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        await File.WriteAllTextAsync(Path.Combine(directory, "tls.crt"), certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(directory, "tls.key"), key.ExportPkcs8PrivateKeyPem());

        var app = OperatorHost.Build(
            new OperatorOptions
            {
                Source = "kube",
                GrpcPort = 0,
                HttpPort = 0,
                WebhookPort = 0,
                ListenAddress = "127.0.0.1",
                LogLevel = "Warning",
                WebhookCertFile = Path.Combine(directory, "tls.crt"),
                WebhookKeyFile = Path.Combine(directory, "tls.key"),
            },
            services =>
            {
                services.AddSingleton(cluster.Configuration);
                services.AddSingleton(new LeaderElectionOptions
                {
                    LeaseName = "mesh-operator",
                    LeaseNamespace = cluster.Namespace,
                    Identity = "mesh-it-" + Environment.ProcessId,
                });
            });
        await app.StartAsync();
        return new OutOfClusterOperator(app, directory, certificate);
    }

    public async ValueTask DisposeAsync()
    {
        Webhook.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
