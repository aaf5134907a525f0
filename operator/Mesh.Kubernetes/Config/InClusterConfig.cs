using System.Security.Cryptography.X509Certificates;

namespace Mesh.Kubernetes.Config;

/// <summary>The configuration a pod gets from its service account mount and the kubelet's environment.</summary>
internal static class InClusterConfig
{
    public const string DefaultDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public static bool IsInCluster(string directory, Func<string, string?> environment)
        => !string.IsNullOrEmpty(environment("KUBERNETES_SERVICE_HOST"))
            && !string.IsNullOrEmpty(environment("KUBERNETES_SERVICE_PORT"))
            && File.Exists(Path.Combine(directory, "token"));

    public static KubernetesClientConfiguration Load(string directory, Func<string, string?> environment)
    {
        var host = environment("KUBERNETES_SERVICE_HOST");
        var port = environment("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new KubeConfigException("Not in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set.");
        }

        var tokenFile = Path.Combine(directory, "token");
        if (!File.Exists(tokenFile))
        {
            throw new KubeConfigException($"Not in a cluster: the service-account token '{tokenFile}' does not exist.");
        }

        var authorities = new X509Certificate2Collection();
        var caFile = Path.Combine(directory, "ca.crt");
        if (File.Exists(caFile))
        {
            authorities.ImportFromPemFile(caFile);
        }

        var namespaceFile = Path.Combine(directory, "namespace");
        var @namespace = File.Exists(namespaceFile) ? File.ReadAllText(namespaceFile).Trim() : "";

        // An IPv6 service host needs brackets in a URL.
        var authority = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        return new KubernetesClientConfiguration
        {
            Server = new Uri($"https://{authority}:{port}"),
            Namespace = @namespace.Length == 0 ? "default" : @namespace,
            CertificateAuthorities = authorities,
            TokenFile = tokenFile,
        };
    }
}
