using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Operator.Identity;

/// <summary>
/// The signing side of the CA: the issuer certificate with its private key, the certificates to send after a leaf
/// (the issuer itself when it is an intermediate) and the roots proxies trust.
/// </summary>
internal sealed class CaKeyMaterial : IDisposable
{
    private CaKeyMaterial(X509Certificate2 issuer, IReadOnlyList<string> chainPem, IReadOnlyList<string> trustBundlePem)
    {
        Issuer = issuer;
        ChainPem = chainPem;
        TrustBundlePem = trustBundlePem;
    }

    /// <summary>Has its private key.</summary>
    public X509Certificate2 Issuer { get; }

    /// <summary>The issuers that follow a leaf in its chain; empty when the issuer is the root.</summary>
    public IReadOnlyList<string> ChainPem { get; }

    public IReadOnlyList<string> TrustBundlePem { get; }

    /// <summary>
    /// From PEM text. <paramref name="rootPem"/> null means the issuer is its own root; otherwise the issuer is an
    /// intermediate and must chain to one of those roots.
    /// </summary>
    public static CaKeyMaterial FromPem(string certificatePem, string keyPem, string? rootPem)
    {
        var issuer = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        try
        {
            if (!IsCertificateAuthority(issuer))
            {
                throw new CryptographicException("the CA certificate has no basicConstraints CA:TRUE");
            }

            if (rootPem is null)
            {
                if (issuer.SubjectName.RawData.AsSpan().SequenceEqual(issuer.IssuerName.RawData) is false)
                {
                    throw new CryptographicException("the CA certificate is not self-signed; give its root too");
                }

                return new CaKeyMaterial(issuer, [], [issuer.ExportCertificatePem()]);
            }

            var roots = new X509Certificate2Collection();
            roots.ImportFromPem(rootPem);
            if (roots.Count == 0)
            {
                throw new CryptographicException("the root file holds no certificate");
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

            // Only the structure is checked here; validity in time is the issuer's own (leaves never outlive it).
            chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
            if (!chain.Build(issuer))
            {
                throw new CryptographicException("the CA certificate does not chain to the given roots: "
                    + string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim())));
            }

            // Everything between the issuer and its root goes after the leaf, so peers that trust only the root verify.
            var between = chain.ChainElements.Take(chain.ChainElements.Count - 1).Select(e => e.Certificate.ExportCertificatePem()).ToList();
            return new CaKeyMaterial(issuer, between, roots.Select(r => r.ExportCertificatePem()).ToList());
        }
        catch
        {
            issuer.Dispose();
            throw;
        }
    }

    public void Dispose() => Issuer.Dispose();

    private static bool IsCertificateAuthority(X509Certificate2 certificate)
        => certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);
}
