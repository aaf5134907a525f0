using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Mesh.Proxy.Hosting;

/// <summary>
/// HTTP/1.1 and h2c (prior knowledge) on one cleartext port. Kestrel picks the protocol of an Http1AndHttp2
/// endpoint by TLS ALPN and, without TLS, always picks HTTP/1.1. This connection middleware peeks at the first
/// bytes: a connection that starts with the HTTP/2 preface gets an ALPN feature saying "h2" (plus the TLS feature
/// Kestrel looks for), so Kestrel runs HTTP/2 on it; everything else stays HTTP/1.1. Nothing is consumed, and
/// KestrelServerOptions.AllowAlternateSchemes keeps the request scheme "http" as the client sent it.
/// </summary>
internal static class H2cPrefaceDetection
{
    /// <summary>How long a new connection may stay silent before it is closed (Kestrel's default keep-alive timeout).</summary>
    public static readonly TimeSpan FirstBytesTimeout = TimeSpan.FromSeconds(130);

    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    public static ConnectionDelegate Middleware(ConnectionDelegate next, Func<bool> refuseConnections) => async connection =>
    {
        if (refuseConnections())
        {
            connection.Abort();
            return;
        }

        bool isHttp2;
        using (var silence = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            silence.CancelAfter(FirstBytesTimeout);
            try
            {
                isHttp2 = await StartsWithPrefaceAsync(connection, silence.Token);
            }
            catch (OperationCanceledException)
            {
                // The client closed the connection, or never spoke: nothing to serve.
                connection.Abort();
                return;
            }
        }

        if (isHttp2)
        {
            var feature = new PriorKnowledgeH2Feature();
            connection.Features.Set<ITlsConnectionFeature>(feature);
            connection.Features.Set<ITlsApplicationProtocolFeature>(feature);
        }

        await next(connection);
    };

    private static async ValueTask<bool> StartsWithPrefaceAsync(ConnectionContext connection, CancellationToken cancellationToken)
    {
        var input = connection.Transport.Input;
        var head = new byte[Preface.Length];
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var length = (int)Math.Min(buffer.Length, Preface.Length);
            buffer.Slice(0, length).CopyTo(head);
            var matches = head.AsSpan(0, length).SequenceEqual(Preface[..length]);
            if (!matches || length == Preface.Length || result.IsCompleted)
            {
                // Examined nothing: Kestrel reads these bytes again from the start.
                input.AdvanceTo(buffer.Start);
                return matches && length == Preface.Length;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private sealed class PriorKnowledgeH2Feature : ITlsConnectionFeature, ITlsApplicationProtocolFeature
    {
        public ReadOnlyMemory<byte> ApplicationProtocol => "h2"u8.ToArray();

        public X509Certificate2? ClientCertificate { get; set; }

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);
    }
}
