using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Proxy.Identity;

/// <summary>A fresh ECDSA P-256 key pair, made here and never sent, and the PKCS#10 request over its public key.</summary>
internal sealed class CertificateSigningRequest : IDisposable
{
    private CertificateSigningRequest(ECDsa key, string pem)
    {
        Key = key;
        Pem = pem;
    }

    public ECDsa Key { get; }

    public string Pem { get; }

    public static CertificateSigningRequest Create()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        // The CA decides every name from the caller's authenticated identity; the subject here is only a label.
        var request = new CertificateRequest("CN=mesh-proxy", key, HashAlgorithmName.SHA256);
        return new CertificateSigningRequest(key, request.CreateSigningRequestPem());
    }

    public void Dispose() => Key.Dispose();
}
