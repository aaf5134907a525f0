namespace Mesh.Operator.Identity;

/// <summary>How the operator acts as the mesh's certificate authority.</summary>
internal sealed class CertificateAuthorityOptions
{
    /// <summary>The SPIFFE trust domain of issued identities. Default <c>cluster.local</c>.</summary>
    public string TrustDomain { get; set; } = "cluster.local";

    /// <summary>The longest lifetime a workload certificate gets, also the lifetime when none is asked for. Default 24 h.</summary>
    public TimeSpan MaxCertificateLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How far notBefore is set in the past, so that a peer whose clock is a little behind accepts it. Default 1 min.</summary>
    public TimeSpan ClockSkewAllowance { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The lifetime of a root the operator generates. Default 10 years.</summary>
    public TimeSpan RootLifetime { get; set; } = TimeSpan.FromDays(3650);
}
