namespace Mesh.Operator.Hosting;

/// <summary>The flags of <c>mesh-operator run</c>, with the design's defaults.</summary>
public sealed class OperatorOptions
{
    /// <summary><c>kube</c> or <c>dir:PATH</c>. Default <c>kube</c> inside a pod; required elsewhere.</summary>
    public string? Source { get; set; }

    /// <summary>The config stream (gRPC over h2c). Default 15010.</summary>
    public int GrpcPort { get; set; } = 15010;

    /// <summary>Health, readiness, metrics and debug endpoints. Default 15014.</summary>
    public int HttpPort { get; set; } = 15014;

    /// <summary>The mutating admission webhook (HTTPS). Default 15017.</summary>
    public int WebhookPort { get; set; } = 15017;

    /// <summary>
    /// The webhook's serving certificate, PEM (e.g. cert-manager's tls.crt), reloaded when it changes. Without it the
    /// operator manages a certificate itself: in a Secret with the <c>kube</c> source, in memory with <c>dir:</c>.
    /// </summary>
    public string? WebhookCertFile { get; set; }

    /// <summary>The private key of <see cref="WebhookCertFile"/>, PEM (e.g. tls.key).</summary>
    public string? WebhookKeyFile { get; set; }

    /// <summary>The webhook's Service (its DNS names go into a self-managed certificate). Default <c>mesh-operator</c>.</summary>
    public string WebhookService { get; set; } = "mesh-operator";

    /// <summary>The MutatingWebhookConfiguration whose caBundle a self-managed certificate keeps. Default <c>mesh-sidecar-injector</c>.</summary>
    public string WebhookConfiguration { get; set; } = "mesh-sidecar-injector";

    /// <summary>The Secret holding the self-managed CA and certificate, in <see cref="Namespace"/>. Default <c>mesh-webhook-tls</c>.</summary>
    public string WebhookSecret { get; set; } = "mesh-webhook-tls";

    /// <summary>
    /// The operator's namespace (of the webhook Service and Secret). Null: <c>POD_NAMESPACE</c>, else the service
    /// account's namespace file, else <c>mesh-system</c>.
    /// </summary>
    public string? Namespace { get; set; }

    /// <summary>A JSON or YAML file overriding the injection template's defaults (a mounted ConfigMap). Null: defaults.</summary>
    public string? InjectionTemplate { get; set; }

    /// <summary>The namespace whose MeshPolicies apply to the whole mesh. Default <c>mesh-system</c>.</summary>
    public string RootNamespace { get; set; } = "mesh-system";

    /// <summary>
    /// The address every port binds to. Default: 0.0.0.0 with the <c>kube</c> source (the pod's network), 127.0.0.1 with
    /// <c>dir:</c> (local mode serves only this machine).
    /// </summary>
    public string? ListenAddress { get; set; }

    /// <summary>Minimum log level: Verbose, Debug, Information, Warning, Error. Default Information.</summary>
    public string LogLevel { get; set; } = "Information";

    /// <summary>True when running inside a Kubernetes pod.</summary>
    public static bool InCluster => Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is { Length: > 0 };
}
