using Microsoft.Extensions.Logging;

namespace Mesh.Operator.WebhookTls;

/// <summary>What the webhook TLS sources report. Certificates are named by subject and thumbprint; keys never appear.</summary>
internal static partial class WebhookTlsLog
{
    [LoggerMessage(1, LogLevel.Information, "Webhook serving certificate from {Origin}: {Subject}, thumbprint {Thumbprint}, expires {NotAfter:O}")]
    public static partial void Serving(ILogger logger, string origin, string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(2, LogLevel.Warning, "Kept the previous webhook certificate: the files {CertFile} and {KeyFile} do not hold a usable pair ({Reason})")]
    public static partial void FilesUnusable(ILogger logger, string certFile, string keyFile, string reason);

    [LoggerMessage(3, LogLevel.Warning, "The webhook is served with an ephemeral self-signed certificate (local mode without --webhook-cert-file); clients must trust it explicitly")]
    public static partial void Ephemeral(ILogger logger);

    [LoggerMessage(4, LogLevel.Information, "Created the webhook TLS Secret {Namespace}/{Name} with a new CA and serving certificate")]
    public static partial void SecretCreated(ILogger logger, string @namespace, string name);

    [LoggerMessage(5, LogLevel.Information, "Another replica created the webhook TLS Secret {Namespace}/{Name} first; using theirs")]
    public static partial void SecretCreatedElsewhere(ILogger logger, string @namespace, string name);

    [LoggerMessage(6, LogLevel.Information, "Renewed the webhook serving certificate in Secret {Namespace}/{Name} ({Reason})")]
    public static partial void SecretRenewed(ILogger logger, string @namespace, string name, string reason);

    [LoggerMessage(7, LogLevel.Information, "Another replica updated the webhook TLS Secret {Namespace}/{Name} first; using theirs")]
    public static partial void SecretUpdatedElsewhere(ILogger logger, string @namespace, string name);

    [LoggerMessage(8, LogLevel.Information, "Set caBundle of webhook {Webhook} in MutatingWebhookConfiguration {Configuration}")]
    public static partial void CaBundlePatched(ILogger logger, string configuration, string webhook);

    [LoggerMessage(9, LogLevel.Warning, "MutatingWebhookConfiguration {Configuration} not found: its caBundle is set once it exists")]
    public static partial void ConfigurationMissing(ILogger logger, string configuration);

    [LoggerMessage(10, LogLevel.Warning, "Webhook certificate sync failed; retrying in {Delay}")]
    public static partial void SyncFailed(ILogger logger, TimeSpan delay, Exception exception);
}
