namespace Mesh.Proxy.Authorization;

/// <summary>
/// The authenticated identity of the peer of an mTLS connection: its SPIFFE id without the scheme
/// (<c>cluster.local/ns/NS/sa/SA</c>) and the namespace in it.
/// </summary>
internal sealed class PeerIdentity
{
    private const string NamespaceMarker = "/ns/";

    public PeerIdentity(string principal)
    {
        Principal = principal;
        Namespace = NamespaceOf(principal);
    }

    public string Principal { get; }

    /// <summary>The segment after <c>/ns/</c>; null when the principal has none (Istio's namespace match then fails too).</summary>
    public string? Namespace { get; }

    private static string? NamespaceOf(string principal)
    {
        var start = principal.IndexOf(NamespaceMarker, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += NamespaceMarker.Length;
        var end = principal.IndexOf('/', start);
        return end > start ? principal[start..end] : null;
    }
}
