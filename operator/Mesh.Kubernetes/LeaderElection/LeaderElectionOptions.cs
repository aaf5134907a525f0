namespace Mesh.Kubernetes.LeaderElection;

/// <summary>The lease and the timing of leader election. The durations are client-go's (and KubernetesClient's) defaults.</summary>
public sealed class LeaderElectionOptions
{
    /// <summary>The name of the Lease. Default: "mesh-operator".</summary>
    public string LeaseName { get; set; } = "mesh-operator";

    /// <summary>The namespace of the Lease. Default: null, the client's namespace.</summary>
    public string? LeaseNamespace { get; set; }

    /// <summary>This candidate's holderIdentity; must be unique among candidates. Default: host name and a random suffix.</summary>
    public string Identity { get; set; } = $"{Environment.MachineName}_{Guid.NewGuid():N}";

    /// <summary>
    /// How long others wait after the last renewal they saw before taking the lease; whole seconds, as the Lease
    /// stores it. Default: 15 s.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it gives up leading. Default: 10 s.</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Between attempts to acquire or renew. Default: 2 s.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>On stop, empty holderIdentity so another candidate takes over without waiting. Default: true.</summary>
    public bool ReleaseOnCancel { get; set; } = true;

    /// <summary>client-go's checks, which KubernetesClient's elector does not make.</summary>
    internal void Validate()
    {
        // client-go's condition: the deadline leaves room for at least one jittered retry (up to 1.2 retry periods).
        if (LeaseDuration <= RenewDeadline || RenewDeadline <= RetryPeriod * 1.2 || RetryPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentException("Leader election needs LeaseDuration > RenewDeadline > 1.2 × RetryPeriod > 0.");
        }

        if (LeaseDuration.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentException($"Leader election's LeaseDuration must be whole seconds (the Lease stores seconds), not {LeaseDuration}.");
        }

        ArgumentException.ThrowIfNullOrEmpty(LeaseName);
        ArgumentException.ThrowIfNullOrEmpty(Identity);
    }
}
