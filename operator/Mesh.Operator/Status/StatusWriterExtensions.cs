using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.LeaderElection;
using Mesh.Operator.Reconcile;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Mesh.Operator.StatusWriting;

internal static class StatusWriterExtensions
{
    /// <summary>
    /// Registers leader election (hosted; <see cref="LeaderElectionOptions"/> from the environment unless one is
    /// registered) and the status writer, which writes only while this replica leads.
    /// </summary>
    public static IServiceCollection AddStatusWriter(this IServiceCollection services)
    {
        services.AddOptions<StatusWriterOptions>();
        services.TryAddSingleton(_ => LeaderElectionService.OptionsFromEnvironment());
        services.TryAddSingleton(provider => LeaderElectorFactory.Create(
            provider.GetRequiredService<IKubernetesClient>(),
            provider.GetRequiredService<LeaderElectionOptions>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService<LeaderElectionService>();
        services.AddSingleton<StatusWriter>();
        services.AddSingleton<IReconcileResultSink>(provider => provider.GetRequiredService<StatusWriter>());
        services.AddHostedService(provider => provider.GetRequiredService<StatusWriter>());
        return services;
    }
}
