using Mesh.Proxy.Identity;

namespace Mesh.Proxy.Tls;

/// <summary>
/// The certificate source when nothing issues certificates (no control plane, or tests without mTLS): mTLS is
/// unavailable, so outbound AUTO stays plaintext and inbound accepts only what its mode allows without TLS.
/// </summary>
internal sealed class NullWorkloadCertificateSource : IWorkloadCertificateSource
{
    public WorkloadCertificate? Current => null;
}
