using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Proxy.Identity;

namespace Mesh.Bench.Mtls;

/// <summary>A throwaway CA issuing mesh-shaped workload certificates (ECDSA P-256, SPIFFE URI SAN), as the mesh CA would.</summary>
internal sealed class BenchCertificates : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public BenchCertificates()
    {
        var request = new CertificateRequest("CN=mesh bench CA", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Root = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    public X509Certificate2 Root { get; }

    public WorkloadCertificate Issue(string principal)
    {
        // Not disposed: the issued certificate keeps using the key.
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("O=mesh", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri("spiffe://" + principal));
        request.CertificateExtensions.Add(san.Build(critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Root, true, false));
        using var issued = request.Create(Root, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1), RandomNumberGenerator.GetBytes(8));
        return new WorkloadCertificate(issued.CopyWithPrivateKey(key), [], [Root], principal);
    }

    public void Dispose()
    {
        Root.Dispose();
        _key.Dispose();
    }
}

internal sealed class FixedCertificateSource(WorkloadCertificate certificate) : IWorkloadCertificateSource
{
    public WorkloadCertificate? Current => certificate;
}
