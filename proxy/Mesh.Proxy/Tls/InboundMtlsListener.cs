using Mesh.Proxy.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Proxy.Tls;

/// <summary>
/// Composes the inbound listener's connection pipeline:
/// <code>
/// TLS detection ─ TLS ──────→ Kestrel TLS (mTLS handshake, ALPN h2/http1.1) → peer identity → HTTP
///               └ plaintext → h2c preface detection ───────────────────────────────────────→ HTTP
/// </code>
/// Kestrel builds a listener's middleware innermost first, so the last one registered learns the HTTP server's
/// delegate before the first one is built and can hand it to the plaintext branch, which skips TLS.
/// </summary>
internal static class InboundMtlsListener
{
    public static void Configure(ListenOptions listen, IServiceProvider services, Func<bool> refuseConnections)
    {
        var detection = services.GetRequiredService<InboundTlsDetection>();
        var handshake = services.GetRequiredService<InboundTlsHandshake>();
        ConnectionDelegateHolder plaintext = new();

        listen.Use(next =>
        {
            var tlsDetection = detection.Middleware(next, plaintext.Get, H2cPrefaceDetection.FirstBytesTimeout);
            return connection => refuseConnections() ? Refuse(connection) : tlsDetection(connection);
        });
        listen.UseHttps(handshake.Options);
        listen.Use(http =>
        {
            plaintext.Set(H2cPrefaceDetection.Middleware(http, refuseConnections));
            return PeerIdentityMiddleware.Middleware(http);
        });
    }

    private static Task Refuse(ConnectionContext connection)
    {
        connection.Abort();
        return Task.CompletedTask;
    }

    private sealed class ConnectionDelegateHolder
    {
        private ConnectionDelegate? _delegate;

        public void Set(ConnectionDelegate value) => _delegate = value;

        public ConnectionDelegate Get() =>
            _delegate ?? throw new InvalidOperationException("the inbound listener's plaintext pipeline was not built");
    }
}
