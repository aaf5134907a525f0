using Microsoft.Extensions.Logging;

namespace Mesh.Kubernetes.Client;

/// <summary>
/// <see cref="IKubernetesClient"/>: KubernetesClient's <see cref="k8s.Kubernetes"/> (its configuration,
/// authentication and connection pool) with <see cref="ServerTrust"/> and <see cref="RetryHandler"/> in its pipeline.
/// </summary>
internal sealed class KubernetesApiClient : IKubernetesClient
{
    private readonly k8s.Kubernetes _api;

    public KubernetesApiClient(
        k8s.KubernetesClientConfiguration config,
        KubernetesClientOptions options,
        TimeProvider timeProvider,
        ILogger<KubernetesApiClient> logger)
    {
        DefaultNamespace = string.IsNullOrEmpty(config.Namespace) ? "default" : config.Namespace;
        var hardened = ServerTrust.Harden(config);
        hardened.HttpClientTimeout = options.RequestTimeout;
        hardened.UserAgent = options.UserAgent;
        _api = new k8s.Kubernetes(hardened, new RetryHandler(options, timeProvider, logger));
    }

    public string DefaultNamespace { get; }

    public k8s.IKubernetes Api => _api;

    public void Dispose() => _api.Dispose();
}
