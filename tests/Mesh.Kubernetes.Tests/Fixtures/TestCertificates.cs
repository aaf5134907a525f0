using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Kubernetes.Tests.Fixtures;

/// <summary>A throwaway CA and the certificates it issues, generated per test run.</summary>
internal sealed class TestCertificates : IDisposable
{
    // EC keys: RSA key generation is slow on a loaded machine and only the RSA client-key cases need it.
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestCertificates(string caName = "test-ca")
    {
        var request = new CertificateRequest($"CN={caName}", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    public X509Certificate2 Authority { get; }

    public string AuthorityPem => Authority.ExportCertificatePem();

    /// <summary>A server certificate for 127.0.0.1 and <c>kubernetes.default.svc</c>, with its key.</summary>
    public X509Certificate2 IssueServer()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kube-apiserver", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("kubernetes.default.svc");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = Issue(request);
        return Persist(certificate.CopyWithPrivateKey(key));
    }

    /// <summary>A client certificate and its private key as PEM, in the key format kubeconfigs carry.</summary>
    public (string CertificatePem, string KeyPem, X509Certificate2 Certificate) IssueClient(string user, ClientKeyFormat format)
    {
        var subject = $"CN={user},O=system:masters";
        var eku = new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false);
        if (format == ClientKeyFormat.Ec)
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(subject, ec, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(eku);
            var certificate = Issue(request);
            return (certificate.ExportCertificatePem(), ec.ExportECPrivateKeyPem(), certificate);
        }

        using var rsa = RSA.Create(2048);
        var rsaRequest = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        rsaRequest.CertificateExtensions.Add(eku);
        var rsaCertificate = Issue(rsaRequest);
        var keyPem = format == ClientKeyFormat.RsaPkcs1 ? rsa.ExportRSAPrivateKeyPem() : rsa.ExportPkcs8PrivateKeyPem();
        return (rsaCertificate.ExportCertificatePem(), keyPem, rsaCertificate);
    }

    public void Dispose()
    {
        Authority.Dispose();
        _caKey.Dispose();
    }

    private X509Certificate2 Issue(CertificateRequest request)
    {
        var serial = new byte[12];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        // The generator overload lets the EC authority sign RSA keys too.
        var generator = X509SignatureGenerator.CreateForECDsa(_caKey);
        return request.Create(Authority.SubjectName, generator, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), serial);
    }

    private static X509Certificate2 Persist(X509Certificate2 withKey)
    {
        using (withKey)
        {
            return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        }
    }
}

public enum ClientKeyFormat
{
    /// <summary>"RSA PRIVATE KEY", what kubeadm and kind write.</summary>
    RsaPkcs1,

    /// <summary>"PRIVATE KEY".</summary>
    RsaPkcs8,

    /// <summary>"EC PRIVATE KEY", what k3s writes.</summary>
    Ec,
}
