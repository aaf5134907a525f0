using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Mesh.Proxy.Identity;

namespace Mesh.Proxy.Authorization;

/// <summary>
/// The identity of each connection's client certificate, parsed once per certificate instance (Kestrel hands the
/// same instance to every request of a connection) and forgotten with it.
/// </summary>
internal sealed class PeerIdentityCache
{
    private readonly ConditionalWeakTable<X509Certificate2, Entry> _entries = [];

    /// <summary>Null for a plaintext peer or a certificate without a SPIFFE id.</summary>
    public PeerIdentity? Resolve(X509Certificate2? certificate) =>
        certificate is null ? null : _entries.GetValue(certificate, static c => new Entry(SpiffeId.Principal(c))).Identity;

    private sealed class Entry(string? principal)
    {
        public PeerIdentity? Identity { get; } = principal is null ? null : new PeerIdentity(principal);
    }
}
