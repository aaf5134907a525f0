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

    /// <summary>The webhook's serving certificate, PEM (e.g. cert-manager's tls.crt). The webhook is served only with one.</summary>
    public string? WebhookCertFile { get; set; }

    /// <summary>The private key of <see cref="WebhookCertFile"/>, PEM (e.g. tls.key).</summary>
    public string? WebhookKeyFile { get; set; }

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
