using Mesh.Kubernetes.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Kubernetes.LeaderElection;

/// <summary>Creates leader electors; run one with <see cref="ILeaderElector.RunAsync"/>.</summary>
public static class LeaderElectorFactory
{
    public static ILeaderElector Create(
        IKubernetesClient client,
        LeaderElectionOptions options,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        return new LeaderElector(
            client,
            options,
            timeProvider ?? TimeProvider.System,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<LeaderElector>());
    }
}
