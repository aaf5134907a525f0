using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Mesh.Proxy.Identity;

namespace Mesh.Proxy.Tls;

/// <summary>
/// How both directions authenticate the peer: its chain must end at one of the mesh's trust roots (nothing from the
/// system store, no revocation: workload certificates live for hours and are never revoked) and it must carry a
/// SPIFFE URI SAN. Host names play no part: mesh identity is the SAN, not the DNS name dialled.
/// </summary>
internal static class MeshPeerValidation
{
    public static X509ChainPolicy ChainPolicy(X509Certificate2Collection trustRoots)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(trustRoots);
        return policy;
    }

    /// <summary>Why the peer is refused, or null when its certificate is trusted and names a mesh identity.</summary>
    public static string? Refusal(X509Certificate? certificate, SslPolicyErrors errors, out string? principal)
    {
        principal = null;
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return "no certificate";
        }

        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return "untrusted certificate";
        }

        principal = certificate is X509Certificate2 certificate2 ? SpiffeId.Principal(certificate2) : null;
        return principal is null ? "no mesh identity" : null;
    }
}
