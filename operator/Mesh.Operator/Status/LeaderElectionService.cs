using Mesh.Kubernetes.LeaderElection;
using Microsoft.Extensions.Hosting;

namespace Mesh.Operator.StatusWriting;

/// <summary>Campaigns for the <c>mesh-operator</c> Lease for the life of the host; the leader writes status.</summary>
internal sealed class LeaderElectionService(ILeaderElector elector) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => elector.RunAsync(stoppingToken);

    /// <summary>
    /// The Lease in the operator's namespace (<c>POD_NAMESPACE</c>, else mesh-system), held under the pod's name
    /// (<c>POD_NAME</c>, else the machine name), which is unique among replicas.
    /// </summary>
    public static LeaderElectionOptions OptionsFromEnvironment() => new()
    {
        LeaseName = "mesh-operator",
        LeaseNamespace = Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } ns ? ns : "mesh-system",
        Identity = Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : Environment.MachineName,
    };
}
