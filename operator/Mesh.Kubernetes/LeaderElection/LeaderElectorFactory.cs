using Mesh.Kubernetes.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Kubernetes.LeaderElection;

/// <summary>Creates leader electors; run one with <see cref="ILeaderElector.RunAsync"/>.</summary>
public static class LeaderElectorFactory
{
    /// <param name="timeProvider">
    /// Paces what the wrapper does itself (a new campaign after a failure, the release's timeout). The library's elector
    /// reads the system clock for the lease's timing.
    /// </param>
    public static ILeaderElector Create(
        IKubernetesClient client,
        LeaderElectionOptions options,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new LeaderElector(
            new LeaseLock(client.Api, options.LeaseNamespace ?? client.DefaultNamespace, options.LeaseName, options.Identity),
            options,
            timeProvider ?? TimeProvider.System,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<LeaderElector>());
    }
}
