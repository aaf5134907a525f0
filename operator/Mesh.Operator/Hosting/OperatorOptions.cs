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
    /// The operator's namespace (of the webhook Service and Secret, and the CA Secret <c>mesh-ca</c>). Null: <c>POD_NAMESPACE</c>, else the service
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

    /// <summary>
    /// The <c>kube</c> source's kubeconfig file. Null: in-cluster inside a pod, else <c>$KUBECONFIG</c> (merged),
    /// else <c>~/.kube/config</c>. Exec and auth-provider credential plugins work as with kubectl.
    /// </summary>
    public string? Kubeconfig { get; set; }

    /// <summary>The kubeconfig context to use. Null: the kubeconfig's current-context.</summary>
    public string? Context { get; set; }

    /// <summary>Minimum log level: Verbose, Debug, Information, Warning, Error. Default Information.</summary>
    public string LogLevel { get; set; } = "Information";

    /// <summary>Local mode: where the generated root CA (and bootstrap token) is kept. Null: <c>.mesh/ca</c> under the current directory.</summary>
    public string? CaDirectory { get; set; }

    /// <summary>A provided CA certificate (e.g. an intermediate), PEM; used instead of a generated root. Needs <see cref="CaKeyFile"/>.</summary>
    public string? CaCertFile { get; set; }

    /// <summary>The private key of <see cref="CaCertFile"/>, PEM.</summary>
    public string? CaKeyFile { get; set; }

    /// <summary>The root(s) <see cref="CaCertFile"/> chains to, PEM: the proxies' trust bundle. Null: the CA certificate is its own root.</summary>
    public string? CaRootFile { get; set; }

    /// <summary>Local mode: the file holding the token proxies present to get certificates. Null: generated into the CA directory.</summary>
    public string? BootstrapTokenFile { get; set; }

    /// <summary>The SPIFFE trust domain of workload identities. Default <c>cluster.local</c>.</summary>
    public string TrustDomain { get; set; } = "cluster.local";

    /// <summary>True when running inside a Kubernetes pod.</summary>
    public static bool InCluster => Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is { Length: > 0 };
}
