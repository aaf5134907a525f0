using Mesh.Kubernetes.Config;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Kubernetes.Client;

/// <summary>Creates the <see cref="IKubernetesClient"/> of a configuration. Dispose it to close its connections.</summary>
public static class KubernetesClientFactory
{
    public static IKubernetesClient Create(
        KubernetesClientConfiguration configuration,
        KubernetesClientOptions? options = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new KubernetesHttpClient(
            configuration,
            options ?? new KubernetesClientOptions(),
            timeProvider ?? TimeProvider.System,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<KubernetesHttpClient>());
    }
}
