using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Operator.Identity;

/// <summary>Generates the mesh's self-signed root: ECDSA P-256, may sign leaves only (path length 0).</summary>
internal static class RootCertificateFactory
{
    /// <summary>The root's certificate and PKCS#8 private key, PEM.</summary>
    public static (string CertificatePem, string KeyPem) Create(DateTimeOffset now, TimeSpan lifetime, string trustDomain)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(
            new X500DistinguishedName($"O={trustDomain}, CN=Mesh Root CA"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var root = request.CreateSelfSigned(now.AddMinutes(-1), now + lifetime);
        return (root.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
