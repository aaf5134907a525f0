using Mesh.Proxy.Identity;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Proxy.Tls;

/// <summary>
/// Runs after TLS termination: completes the connection's <see cref="IMeshTlsConnectionFeature"/> with the peer's
/// verified principal. The handshake already refused peers without one, so a missing principal here is a bug and
/// the connection is closed rather than served anonymously.
/// </summary>
internal static class PeerIdentityMiddleware
{
    public static ConnectionDelegate Middleware(ConnectionDelegate next) => connection =>
    {
        var peer = connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate;
        var feature = connection.Features.Get<IMeshTlsConnectionFeature>() as MeshTlsConnectionFeature;
        if (peer is null || feature is null || SpiffeId.Principal(peer) is not { } principal)
        {
            connection.Abort(new ConnectionAbortedException("mTLS connection without a verified peer identity"));
            return Task.CompletedTask;
        }

        feature.Complete(peer, principal);
        return next(connection);
    };
}
