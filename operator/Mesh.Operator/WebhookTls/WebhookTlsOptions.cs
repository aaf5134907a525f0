namespace Mesh.Operator.WebhookTls;

/// <summary>Where the webhook's serving certificate comes from and how it is kept current.</summary>
public sealed class WebhookTlsOptions
{
    /// <summary>PEM certificate file (e.g. cert-manager's <c>tls.crt</c>). Set together with <see cref="KeyFile"/>; null: no files.</summary>
    public string? CertFile { get; set; }

    /// <summary>PEM private key file of <see cref="CertFile"/> (e.g. <c>tls.key</c>).</summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// How often the files are re-read even without a file-system event (events are lost on some volume types).
    /// Default 10 s.
    /// </summary>
    public TimeSpan FilePollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The webhook's Service, whose DNS names the self-managed certificate carries. Default <c>mesh-operator</c>.</summary>
    public string ServiceName { get; set; } = "mesh-operator";

    /// <summary>The MutatingWebhookConfiguration whose <c>caBundle</c>s the self-managed mode keeps. Default <c>mesh-sidecar-injector</c>.</summary>
    public string ConfigurationName { get; set; } = "mesh-sidecar-injector";

    /// <summary>The Secret (in <see cref="Namespace"/>) holding the self-managed CA and serving certificate. Default <c>mesh-webhook-tls</c>.</summary>
    public string SecretName { get; set; } = "mesh-webhook-tls";

    /// <summary>The operator's namespace: the Service's and the Secret's. Default <c>mesh-system</c> (see <see cref="OperatorNamespace"/>).</summary>
    public string Namespace { get; set; } = "mesh-system";

    /// <summary>Validity of a generated CA. Default 10 years.</summary>
    public TimeSpan CaLifetime { get; set; } = TimeSpan.FromDays(3650);

    /// <summary>Validity of a generated serving certificate. Default 1 year.</summary>
    public TimeSpan ServingLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>
    /// A serving certificate is renewed once less than this fraction of its lifetime remains. Default 1/3 (a 1-year
    /// certificate is renewed about 4 months before it expires).
    /// </summary>
    public double RenewWhenRemaining { get; set; } = 1.0 / 3;

    /// <summary>
    /// How often the Secret and the webhook configuration are re-read, so that replicas converge on the certificate
    /// one of them renewed and a caBundle someone overwrote is restored. Default 1 minute.
    /// </summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How soon a failed self-managed sync (API server unreachable, write refused) is retried. Default 5 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}
