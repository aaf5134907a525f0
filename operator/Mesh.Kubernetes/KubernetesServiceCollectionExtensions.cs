using k8s;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Config;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Kubernetes;

/// <summary>Registers the Kubernetes client in a service collection.</summary>
public static class KubernetesServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IKubernetesClient"/> as a singleton over <paramref name="configuration"/> (default:
    /// <see cref="KubeConfig.Load"/>, resolved on first use), with
    /// <see cref="KubernetesClientOptions"/> from the options system and the registered <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddKubernetesClient(
        this IServiceCollection services,
        Func<IServiceProvider, KubernetesClientConfiguration>? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<KubernetesClientOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => configuration?.Invoke(provider) ?? KubeConfig.Load(timeProvider: provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider => KubernetesClientFactory.Create(
            provider.GetRequiredService<KubernetesClientConfiguration>(),
            provider.GetRequiredService<IOptions<KubernetesClientOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILoggerFactory>()));
        return services;
    }
}
