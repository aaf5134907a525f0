using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Kubernetes.Client;

/// <summary>Creates the <see cref="IKubernetesClient"/> of a configuration. Dispose it to close its connections.</summary>
public static class KubernetesClientFactory
{
    /// <param name="configuration">KubernetesClient's configuration, as <see cref="Config.KubeConfig.Load"/> builds it.</param>
    public static IKubernetesClient Create(
        k8s.KubernetesClientConfiguration configuration,
        KubernetesClientOptions? options = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new KubernetesApiClient(
            configuration,
            options ?? new KubernetesClientOptions(),
            timeProvider ?? TimeProvider.System,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<KubernetesApiClient>());
    }
}
