using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Proxy.Tls;

/// <summary>
/// The PEM files of a SIMPLE or MUTUAL cluster (Istio's caCertificates, clientCertificate, privateKey), read when a
/// connection is made. Paths are on the proxy's machine, as in Istio; an unreadable file fails the connection.
/// </summary>
internal sealed record ExternalTlsFiles(string CaCertificates, string ClientCertificate, string PrivateKey, bool InsecureSkipVerify) : IExternalTlsMaterial
{
    public X509ChainPolicy? ChainPolicy()
    {
        if (CaCertificates.Length == 0)
        {
            return null;
        }

        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(CaCertificates);
        policy.CustomTrustStore.AddRange(roots);
        return policy;
    }

    public SslStreamCertificateContext? LoadClientCertificate()
    {
        if (ClientCertificate.Length == 0 || PrivateKey.Length == 0)
        {
            return null;
        }

        var certificate = X509Certificate2.CreateFromPemFile(ClientCertificate, PrivateKey);
        return SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
    }
}
