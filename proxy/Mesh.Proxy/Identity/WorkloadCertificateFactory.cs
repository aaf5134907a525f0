using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Api.V1;

namespace Mesh.Proxy.Identity;

/// <summary>
/// Turns the CA's answer into a <see cref="WorkloadCertificate"/>: the leaf joined with the local private key, checked
/// to chain to the trust bundle now and to carry a SPIFFE identity. A bad answer is refused, never installed.
/// </summary>
internal static class WorkloadCertificateFactory
{
    /// <exception cref="InvalidDataException">The answer is not a usable certificate for this key.</exception>
    public static WorkloadCertificate Create(SignCertificateResponse response, ECDsa key, DateTimeOffset now)
    {
        if (response.CertificateChainPem.Count == 0 || response.TrustBundlePem.Count == 0)
        {
            throw new InvalidDataException("the CA answered without a certificate chain or trust bundle");
        }

        var intermediates = new X509Certificate2Collection();
        var roots = new X509Certificate2Collection();
        try
        {
            using var leaf = X509Certificate2.CreateFromPem(response.CertificateChainPem[0]);
            foreach (var pem in response.CertificateChainPem.Skip(1))
            {
                intermediates.ImportFromPem(pem);
            }

            foreach (var pem in response.TrustBundlePem)
            {
                roots.ImportFromPem(pem);
            }

            Verify(leaf, intermediates, roots, now);
            var principal = SpiffeId.Principal(leaf) ?? throw new InvalidDataException("the certificate carries no spiffe:// URI name");
            var withKey = leaf.CopyWithPrivateKey(key);
            return new WorkloadCertificate(withKey, intermediates, roots, principal);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidDataException($"the CA's answer is not usable: {ex.Message}", ex);
        }
    }

    private static void Verify(X509Certificate2 leaf, X509Certificate2Collection intermediates, X509Certificate2Collection roots, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        if (!chain.Build(leaf))
        {
            throw new InvalidDataException("the certificate does not chain to the trust bundle: "
                + string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim())));
        }
    }
}
