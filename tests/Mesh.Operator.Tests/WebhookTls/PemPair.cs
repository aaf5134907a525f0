using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Operator.Tests.WebhookTls;

/// <summary>A self-signed serving certificate for 127.0.0.1/localhost and its key, as the PEM text cert-manager writes.</summary>
internal sealed record PemPair(X509Certificate2 Certificate, string CertificatePem, string KeyPem)
{
    public static PemPair Create(string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return new PemPair(certificate, certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
