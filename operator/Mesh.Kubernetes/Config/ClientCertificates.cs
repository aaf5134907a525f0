using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Kubernetes.Config;

internal static class ClientCertificates
{
    /// <summary>A certificate with its key from PEM: PKCS#8, PKCS#1 RSA or SEC1 EC private keys.</summary>
    public static X509Certificate2 FromPem(string certificatePem, string keyPem, string contextName)
    {
        try
        {
            using var withKey = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            // An ephemeral key cannot be used by SslStream on every platform; a PKCS#12 round trip persists it.
            return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null);
        }
        catch (CryptographicException e)
        {
            throw new KubeConfigException($"Context '{contextName}': the client certificate or key is not valid PEM, or they do not match: {e.Message}", e);
        }
    }
}
