namespace Mesh.Kubernetes.LeaderElection;

/// <summary>
/// Leader election on a <c>coordination.k8s.io/v1</c> Lease, with client-go's semantics: at most one holder, who
/// renews every retry period; others take over once the lease has not been renewed for its duration.
/// </summary>
public interface ILeaderElector
{
    /// <summary>This candidate's holderIdentity.</summary>
    string Identity { get; }

    /// <summary>True between <see cref="OnStartedLeading"/> and <see cref="OnStoppedLeading"/>.</summary>
    bool IsLeader { get; }

    /// <summary>
    /// Raised when this candidate becomes leader, with a token cancelled the moment it stops leading: start the
    /// leader-only work with it. Runs on the election loop; return quickly.
    /// </summary>
    event Action<CancellationToken>? OnStartedLeading;

    /// <summary>Raised when leadership ends: the lease was lost, could not be renewed in time, or the run stopped.</summary>
    event Action? OnStoppedLeading;

    /// <summary>Campaigns, leads and campaigns again after losing, until <paramref name="cancellationToken"/> fires.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
