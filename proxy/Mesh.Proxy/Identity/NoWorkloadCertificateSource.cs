namespace Mesh.Proxy.Identity;

/// <summary>Static-config mode (no discovery address): there is no CA to ask, so the proxy has no identity.</summary>
internal sealed class NoWorkloadCertificateSource : IWorkloadCertificateSource
{
    public WorkloadCertificate? Current => null;
}
