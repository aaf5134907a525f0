using Mesh.Kubernetes.LeaderElection;
using Mesh.Operator.Hosting;
using Mesh.Operator.Identity;
using Mesh.Operator.Sources;
using Mesh.Operator.WebhookTls;
using Mesh.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Operator.Tests.WebhookTls;

/// <summary>The real operator host on ephemeral loopback ports, for its webhook listener.</summary>
internal sealed class WebhookOperator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string? _manifests;

    private WebhookOperator(WebApplication app, string? manifests)
    {
        _app = app;
        _manifests = manifests;
        WebhookPort = app.Services.GetRequiredService<OperatorListeners>().WebhookPort;
    }

    public int WebhookPort { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Local mode over an empty manifest directory; <paramref name="clock"/> drives the certificate sources only.</summary>
    public static Task<WebhookOperator> StartLocalAsync(string? certFile = null, string? keyFile = null, ManualTimeProvider? clock = null)
    {
        var manifests = Directory.CreateTempSubdirectory("mesh-webhook-manifests-").FullName;
        var options = Options("dir:" + manifests, certFile, keyFile);
        options.CaDirectory = manifests + ".ca";
        return StartAsync(options, manifests, services => UseClock(services, clock));
    }

    /// <summary>Kube mode against <paramref name="kube"/> as replica <paramref name="identity"/>, its certificate clock being <paramref name="clock"/>.</summary>
    public static Task<WebhookOperator> StartKubeAsync(k8s.KubernetesClientConfiguration kube, ManualTimeProvider clock, string identity = "operator-0", Action<WebhookTlsOptions>? tls = null)
    {
        var options = Options("kube", null, null);
        options.Namespace = "mesh-system";

        // A provided mesh CA makes no Secret calls of its own, so the calls these tests count are the webhook's.
        (options.CaCertFile, options.CaKeyFile) = ProvidedMeshCa.Value;
        return StartAsync(options, null, services =>
        {
            UseClock(services, clock);
            services.AddSingleton(kube);
            services.AddSingleton(new LeaderElectionOptions
            {
                LeaseName = "mesh-operator",
                LeaseNamespace = "mesh-system",
                Identity = identity,
                LeaseDuration = TimeSpan.FromSeconds(4),
                RenewDeadline = TimeSpan.FromSeconds(3),
                RetryPeriod = TimeSpan.FromMilliseconds(200),
            });
            services.Configure<KubeSourceOptions>(o => o.Informer = new Mesh.Kubernetes.Informers.InformerOptions { InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(500) });
            if (tls is not null)
            {
                services.Configure(tls);
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_manifests is not null)
        {
            Directory.Delete(_manifests, recursive: true);
            if (Directory.Exists(_manifests + ".ca"))
            {
                Directory.Delete(_manifests + ".ca", recursive: true);
            }
        }
    }

    private static readonly Lazy<(string CertFile, string KeyFile)> ProvidedMeshCa = new(() =>
    {
        var directory = Directory.CreateTempSubdirectory("mesh-webhook-tests-ca-").FullName;
        var (certificatePem, keyPem) = RootCertificateFactory.Create(DateTimeOffset.UtcNow, TimeSpan.FromDays(3650), "cluster.local");
        var (certFile, keyFile) = (Path.Combine(directory, "ca.crt"), Path.Combine(directory, "ca.key"));
        File.WriteAllText(certFile, certificatePem);
        File.WriteAllText(keyFile, keyPem);
        return (certFile, keyFile);
    });

    private static OperatorOptions Options(string source, string? certFile, string? keyFile) => new()
    {
        Source = source,
        GrpcPort = 0,
        HttpPort = 0,
        WebhookPort = 0,
        ListenAddress = "127.0.0.1",
        LogLevel = "Warning",
        WebhookCertFile = certFile,
        WebhookKeyFile = keyFile,
    };

    private static void UseClock(IServiceCollection services, ManualTimeProvider? clock)
    {
        if (clock is not null)
        {
            services.AddKeyedSingleton<TimeProvider>(WebhookTlsExtensions.ClockKey, clock);
        }
    }

    private static async Task<WebhookOperator> StartAsync(OperatorOptions options, string? manifests, Action<IServiceCollection> configure)
    {
        var app = OperatorHost.Build(options, configure);
        await app.StartAsync();
        return new WebhookOperator(app, manifests);
    }
}
