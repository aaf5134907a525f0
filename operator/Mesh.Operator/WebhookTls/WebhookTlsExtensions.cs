using Mesh.Kubernetes.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.WebhookTls;

/// <summary>Wires the webhook's certificate source into a host and its HTTPS listener.</summary>
public static class WebhookTlsExtensions
{
    /// <summary>
    /// Key of an optional keyed <see cref="TimeProvider"/> for the certificate sources alone (tests move their clock
    /// without moving the rest of the operator's); the registered <see cref="TimeProvider"/> otherwise.
    /// </summary>
    public const string ClockKey = "webhook-tls";

    /// <summary>
    /// Which source serves the certificate: files when given (both or neither, else <see cref="ArgumentException"/>;
    /// an unreadable pair also throws, so that it is a usage error at start), else the Secret in kube mode, else memory.
    /// </summary>
    public static WebhookTlsMode SelectMode(string? certFile, string? keyFile, bool kube)
    {
        if (certFile is null && keyFile is null)
        {
            return kube ? WebhookTlsMode.SelfManaged : WebhookTlsMode.Ephemeral;
        }

        if (certFile is null || keyFile is null)
        {
            throw new ArgumentException("--webhook-cert-file and --webhook-key-file go together.");
        }

        FileCertificateSource.Load(certFile, keyFile).Dispose();
        return WebhookTlsMode.Files;
    }

    /// <summary>
    /// Registers <see cref="IWebhookCertificate"/> and the source for <paramref name="mode"/> (hosted, started before the
    /// listeners). <see cref="WebhookTlsMode.SelfManaged"/> needs an <see cref="IKubernetesClient"/>.
    /// </summary>
    public static IServiceCollection AddWebhookTls(this IServiceCollection services, WebhookTlsMode mode, Action<WebhookTlsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<WebhookTlsOptions>().Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WebhookCertificateStore>();
        services.TryAddSingleton<IWebhookCertificate>(provider => provider.GetRequiredService<WebhookCertificateStore>());
        switch (mode)
        {
            case WebhookTlsMode.Files:
                services.AddSingleton(provider => new FileCertificateSource(
                    provider.GetRequiredService<WebhookCertificateStore>(), Options(provider), Clock(provider), provider.GetRequiredService<ILogger<FileCertificateSource>>()));
                services.AddHostedService(provider => provider.GetRequiredService<FileCertificateSource>());
                break;
            case WebhookTlsMode.SelfManaged:
                services.AddSingleton(provider => new SelfManagedCertificates(
                    provider.GetRequiredService<IKubernetesClient>(), provider.GetRequiredService<WebhookCertificateStore>(), Options(provider), Clock(provider),
                    provider.GetRequiredService<ILogger<SelfManagedCertificates>>()));
                services.AddHostedService(provider => provider.GetRequiredService<SelfManagedCertificates>());
                break;
            case WebhookTlsMode.Ephemeral:
                services.AddHostedService(provider => new EphemeralCertificateSource(
                    provider.GetRequiredService<WebhookCertificateStore>(), Options(provider), Clock(provider), provider.GetRequiredService<ILogger<EphemeralCertificateSource>>()));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown webhook TLS mode.");
        }

        return services;
    }

    /// <summary>
    /// HTTPS whose certificate is chosen at every handshake from <see cref="IWebhookCertificate"/> (resolved from the
    /// application's services), so that a renewed certificate is served without restarting the listener.
    /// </summary>
    public static ListenOptions UseWebhookTls(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var certificate = listen.ApplicationServices.GetRequiredService<IWebhookCertificate>();
        return listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificateSelector = (_, _) => certificate.Current });
    }

    private static IOptions<WebhookTlsOptions> Options(IServiceProvider provider) => provider.GetRequiredService<IOptions<WebhookTlsOptions>>();

    private static TimeProvider Clock(IServiceProvider provider) =>
        provider.GetKeyedService<TimeProvider>(ClockKey) ?? provider.GetRequiredService<TimeProvider>();
}
