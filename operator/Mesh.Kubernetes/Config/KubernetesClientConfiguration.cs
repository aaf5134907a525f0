using System.Security.Cryptography.X509Certificates;

namespace Mesh.Kubernetes.Config;

/// <summary>
/// Where the API server is and how to authenticate to it, from a kubeconfig file or from the service account of
/// the pod this process runs in.
/// </summary>
public sealed class KubernetesClientConfiguration
{
    /// <summary>The API server, for example <c>https://10.96.0.1:443</c>.</summary>
    public required Uri Server { get; init; }

    /// <summary>The namespace of the context (or of the pod). Default: "default".</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>The roots the server's certificate must chain to; empty means the system's trust store.</summary>
    public X509Certificate2Collection CertificateAuthorities { get; init; } = [];

    /// <summary>Accept any server certificate (kubeconfig's <c>insecure-skip-tls-verify</c>). Default: false.</summary>
    public bool SkipTlsVerify { get; init; }

    /// <summary>The name to verify the server's certificate against instead of the host of <see cref="Server"/>.</summary>
    public string? TlsServerName { get; init; }

    /// <summary>A fixed bearer token.</summary>
    public string? Token { get; init; }

    /// <summary>A file holding the bearer token, read again periodically (it wins over <see cref="Token"/>).</summary>
    public string? TokenFile { get; init; }

    /// <summary>The client certificate with its private key (RSA or EC), for mutual TLS.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>True when this process runs in a pod with a service account mounted.</summary>
    public static bool IsInCluster() => InClusterConfig.IsInCluster(InClusterConfig.DefaultDirectory, Environment.GetEnvironmentVariable);

    /// <summary>
    /// The configuration of an explicit kubeconfig path; otherwise in-cluster when in a pod; otherwise
    /// <c>$KUBECONFIG</c> (paths separated by ':', merged) or <c>~/.kube/config</c>.
    /// </summary>
    public static KubernetesClientConfiguration Load(string? kubeconfigPath = null, string? context = null)
    {
        if (kubeconfigPath is not null)
        {
            return KubeConfigLoader.Load([kubeconfigPath], context);
        }

        if (IsInCluster())
        {
            return InCluster();
        }

        var fromEnvironment = Environment.GetEnvironmentVariable("KUBECONFIG");
        var paths = string.IsNullOrEmpty(fromEnvironment)
            ? [Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config")]
            : fromEnvironment.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return KubeConfigLoader.Load(paths, context);
    }

    /// <summary>The pod's service account: KUBERNETES_SERVICE_HOST/PORT and /var/run/secrets/kubernetes.io/serviceaccount.</summary>
    public static KubernetesClientConfiguration InCluster()
        => InClusterConfig.Load(InClusterConfig.DefaultDirectory, Environment.GetEnvironmentVariable);

    /// <summary>Parses kubeconfig YAML; relative file paths in it resolve against <paramref name="baseDirectory"/>.</summary>
    public static KubernetesClientConfiguration FromKubeConfigYaml(string yaml, string? baseDirectory = null, string? context = null)
        => KubeConfigLoader.Parse([(yaml, baseDirectory ?? Directory.GetCurrentDirectory())], context);
}
