namespace Mesh.Proxy.Identity;

/// <summary>
/// Where listeners and upstream clients get the current workload certificate. Reads are lock-free and cheap
/// (a TLS handshake asks on every connection); a rotation swaps the whole <see cref="WorkloadCertificate"/>.
/// </summary>
internal interface IWorkloadCertificateSource
{
    /// <summary>The current certificate, or null before the first one was issued (mTLS is then unavailable).</summary>
    WorkloadCertificate? Current { get; }
}
