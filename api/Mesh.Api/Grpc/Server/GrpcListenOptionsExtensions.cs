using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Mesh.Api.Grpc;

/// <summary>Configures Kestrel listen endpoints for gRPC.</summary>
public static class GrpcListenOptionsExtensions
{
    /// <summary>
    /// Plain-text HTTP/2 with prior knowledge (h2c): without TLS there is no ALPN, so the endpoint must speak
    /// only HTTP/2.
    /// </summary>
    public static ListenOptions UseGrpcH2c(this ListenOptions listenOptions)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        listenOptions.Protocols = HttpProtocols.Http2;
        return listenOptions;
    }

    /// <summary>
    /// TLS with ALPN offering h2 and http/1.1: gRPC clients negotiate h2, HTTP/1.1 clients get the
    /// "HTTP/2 required" answer instead of a handshake failure.
    /// </summary>
    public static ListenOptions UseGrpcTls(
        this ListenOptions listenOptions,
        X509Certificate2 serverCertificate,
        Action<HttpsConnectionAdapterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        ArgumentNullException.ThrowIfNull(serverCertificate);
        listenOptions.Protocols = HttpProtocols.Http1AndHttp2;
        listenOptions.UseHttps(https =>
        {
            https.ServerCertificate = serverCertificate;
            configure?.Invoke(https);
        });
        return listenOptions;
    }
}
