using System.Security.Cryptography.X509Certificates;
using Mesh.Proxy.Identity;

namespace Mesh.Proxy.Tls;

/// <summary>
/// The mTLS facts of an inbound connection, set on the connection's features (and so visible from every request
/// on it as <c>HttpContext.Features.Get&lt;IMeshTlsConnectionFeature&gt;()</c>). Absent on plaintext connections.
/// Kestrel also sets <c>HttpContext.Connection.ClientCertificate</c> to <see cref="PeerCertificate"/>.
/// </summary>
internal interface IMeshTlsConnectionFeature
{
    /// <summary>The verified peer identity, <c>cluster.local/ns/NS/sa/SA</c>.</summary>
    string PeerPrincipal { get; }

    X509Certificate2 PeerCertificate { get; }

    /// <summary>This proxy's identity as presented in the handshake.</summary>
    string LocalPrincipal { get; }

    /// <summary>The <c>x-forwarded-client-cert</c> value (Envoy's format) the app receives with each request.</summary>
    string ForwardedClientCert { get; }
}

internal sealed class MeshTlsConnectionFeature : IMeshTlsConnectionFeature
{
    public MeshTlsConnectionFeature(string localPrincipal) => LocalPrincipal = localPrincipal;

    public string PeerPrincipal { get; private set; } = "";

    public X509Certificate2 PeerCertificate { get; private set; } = null!;

    public string LocalPrincipal { get; }

    public string ForwardedClientCert { get; private set; } = "";

    public void Complete(X509Certificate2 peer, string principal)
    {
        PeerCertificate = peer;
        PeerPrincipal = principal;
        var hash = Convert.ToHexStringLower(peer.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256));
        ForwardedClientCert = $"By={SpiffeId.Scheme}{LocalPrincipal};Hash={hash};URI={SpiffeId.Scheme}{principal}";
    }
}
