namespace Mesh.Kubernetes.LeaderElection;

/// <summary>The lease and the timing of leader election. The durations are client-go's defaults.</summary>
public sealed class LeaderElectionOptions
{
    /// <summary>The name of the Lease. Default: "mesh-operator".</summary>
    public string LeaseName { get; set; } = "mesh-operator";

    /// <summary>The namespace of the Lease. Default: null, the client's namespace.</summary>
    public string? LeaseNamespace { get; set; }

    /// <summary>This candidate's holderIdentity; must be unique among candidates. Default: host name and a random suffix.</summary>
    public string Identity { get; set; } = $"{Environment.MachineName}_{Guid.NewGuid():N}";

    /// <summary>How long others wait after the last renewal seen before taking the lease. Default: 15 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it gives up leading. Default: 10 s.</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Between attempts to acquire (with up to 120% jitter) or renew. Default: 2 s.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>On stop, clear holderIdentity so another candidate takes over without waiting. Default: true.</summary>
    public bool ReleaseOnCancel { get; set; } = true;

    internal void Validate()
    {
        if (LeaseDuration <= RenewDeadline || RenewDeadline <= RetryPeriod || RetryPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentException("Leader election needs LeaseDuration > RenewDeadline > RetryPeriod > 0.");
        }

        ArgumentException.ThrowIfNullOrEmpty(LeaseName);
        ArgumentException.ThrowIfNullOrEmpty(Identity);
    }
}
