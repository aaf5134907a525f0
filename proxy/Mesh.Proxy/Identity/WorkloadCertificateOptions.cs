namespace Mesh.Proxy.Identity;

/// <summary>How the proxy obtains and renews its workload certificate.</summary>
public sealed class WorkloadCertificateOptions
{
    /// <summary>The lifetime asked for; the CA may shorten it. Null: the CA's default (24 h for the mesh operator).</summary>
    public TimeSpan? RequestedLifetime { get; set; }

    /// <summary>The fraction of a certificate's lifetime after which it is renewed. Default 0.7.</summary>
    public double RenewAtFraction { get; set; } = 0.7;

    /// <summary>The first retry after a failed request waits about this long. Default 1 s.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Retry delays double up to this. Default 1 min.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one SignCertificate call may take. Default 30 s.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
