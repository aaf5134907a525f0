using Mesh.Kubernetes;
using Mesh.Operator.StatusWriting;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Operator.Sources;

internal static class KubeSourceExtensions
{
    /// <summary>
    /// Registers the <c>kube</c> source over the Kubernetes client (configured by
    /// <c>KubernetesClientConfiguration.Load()</c> unless a configuration is registered).
    /// </summary>
    public static IServiceCollection AddKubeSource(this IServiceCollection services)
    {
        services.AddKubernetesClient();
        services.AddOptions<KubeSourceOptions>();
        services.AddSingleton<KubeSource>();
        services.AddSingleton<IResourceSource>(provider => provider.GetRequiredService<KubeSource>());
        services.AddSingleton<IMeshStatusLookup>(provider => provider.GetRequiredService<KubeSource>());
        return services;
    }
}
