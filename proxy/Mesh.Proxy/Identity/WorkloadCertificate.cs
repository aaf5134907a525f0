using System.Security.Cryptography.X509Certificates;

namespace Mesh.Proxy.Identity;

/// <summary>
/// The proxy's workload identity at one moment: its leaf certificate (with private key), the issuers to send
/// after it, and the roots it trusts for peers. Immutable; a rotation produces a new instance.
/// </summary>
internal sealed record WorkloadCertificate(
    X509Certificate2 Certificate,
    X509Certificate2Collection Intermediates,
    X509Certificate2Collection TrustRoots,
    string Principal)
{
    /// <summary>The SPIFFE URI of <see cref="Principal"/>, e.g. <c>spiffe://cluster.local/ns/default/sa/reviews</c>.</summary>
    public string SpiffeId => "spiffe://" + Principal;
}
