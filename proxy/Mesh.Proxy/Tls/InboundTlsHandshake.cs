using System.Net.Security;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Mesh.Proxy.Tls;

/// <summary>
/// The server side of inbound mTLS, run by Kestrel's own TLS middleware: each handshake presents the certificate
/// current at that moment and requires a client certificate that chains to the mesh's trust roots and names a mesh
/// identity. ALPN offers h2 and http/1.1, so Kestrel serves whichever the client sidecar speaks upstream.
/// </summary>
internal sealed partial class InboundTlsHandshake
{
    private static readonly List<SslApplicationProtocol> Protocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    private readonly CertificateContextCache _certificates;
    private readonly TlsMetrics _metrics;
    private readonly ILogger<InboundTlsHandshake> _logger;

    public InboundTlsHandshake(CertificateContextCache certificates, TlsMetrics metrics, ILogger<InboundTlsHandshake> logger)
    {
        _certificates = certificates;
        _metrics = metrics;
        _logger = logger;
    }

    public TlsHandshakeCallbackOptions Options => new() { OnConnection = OnConnection };

    private ValueTask<SslServerAuthenticationOptions> OnConnection(TlsHandshakeCallbackContext context)
    {
        var current = _certificates.Current ?? throw new InvalidOperationException("no workload certificate has been issued yet; inbound mTLS is unavailable");
        var feature = new MeshTlsConnectionFeature(current.Certificate.Principal);
        context.Connection.Features.Set<IMeshTlsConnectionFeature>(feature);
        return ValueTask.FromResult(new SslServerAuthenticationOptions
        {
            ServerCertificateContext = current.Context,
            ClientCertificateRequired = true,
            CertificateChainPolicy = MeshPeerValidation.ChainPolicy(current.Certificate.TrustRoots),
            ApplicationProtocols = Protocols,
            AllowRenegotiation = false,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                var refusal = MeshPeerValidation.Refusal(certificate, errors, out _);
                if (refusal is null)
                {
                    return true;
                }

                _metrics.PeerRefused("inbound", refusal);
                LogPeerRefused(context.Connection.RemoteEndPoint?.ToString() ?? "", refusal);
                return false;
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inbound mTLS refused the client {Remote}: {Reason}")]
    private partial void LogPeerRefused(string remote, string reason);
}
