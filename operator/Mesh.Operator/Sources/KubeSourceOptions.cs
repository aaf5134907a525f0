using Mesh.Kubernetes.Informers;

namespace Mesh.Operator.Sources;

/// <summary>How the <c>kube</c> source watches the API server.</summary>
public sealed class KubeSourceOptions
{
    /// <summary>
    /// List/watch settings shared by every informer (all namespaces). Default: client-go's (0.8 s first retry
    /// doubling to 30 s, watches renewed every 5–10 min).
    /// </summary>
    public InformerOptions Informer { get; set; } = new();

    /// <summary>
    /// How often the Secrets that DestinationRules name in tls.credentialName are read again (by name), which bounds how
    /// long a rotated Secret takes to reach the proxies. Default: 10 s.
    /// </summary>
    public TimeSpan CredentialPollInterval { get; set; } = TimeSpan.FromSeconds(10);
}
