using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.WebhookTls;

/// <summary>
/// Local mode without certificate files: a self-signed certificate made at start and kept in memory only, so that
/// the webhook can be exercised on one machine (clients trust it explicitly). It lasts as long as the process.
/// </summary>
internal sealed class EphemeralCertificateSource : IHostedService
{
    /// <summary>Longer than any local session: the certificate is never renewed.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);

    private readonly WebhookCertificateStore _store;
    private readonly WebhookTlsOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<EphemeralCertificateSource> _logger;

    public EphemeralCertificateSource(WebhookCertificateStore store, IOptions<WebhookTlsOptions> options, TimeProvider clock, ILogger<EphemeralCertificateSource> logger)
    {
        _store = store;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var certificate = CertificateFactory.CreateEphemeral(CertificateFactory.ServiceDnsNames(_options.ServiceName, _options.Namespace), _clock.GetUtcNow(), Lifetime);
        _store.Set(certificate);
        WebhookTlsLog.Ephemeral(_logger);
        WebhookTlsLog.Serving(_logger, "memory", certificate.Subject, certificate.Thumbprint, certificate.NotAfter.ToUniversalTime());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
