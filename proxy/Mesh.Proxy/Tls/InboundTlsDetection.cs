using Mesh.Api.V1;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Mesh.Proxy.Tls;

/// <summary>
/// The first connection middleware of the inbound listener. It peeks at the first two bytes without consuming them:
/// a TLS handshake record (0x16 0x03) goes through TLS termination, anything else is plaintext, served only when the
/// mode in force is PERMISSIVE or DISABLE and closed under STRICT. Under DISABLE TLS is never terminated.
/// </summary>
internal sealed partial class InboundTlsDetection
{
    private const byte HandshakeRecord = 0x16;
    private const byte TlsMajorVersion = 0x03;

    private readonly InboundMtlsPolicy _policy;
    private readonly TlsMetrics _metrics;
    private readonly ILogger<InboundTlsDetection> _logger;

    public InboundTlsDetection(InboundMtlsPolicy policy, TlsMetrics metrics, ILogger<InboundTlsDetection> logger)
    {
        _policy = policy;
        _metrics = metrics;
        _logger = logger;
    }

    /// <param name="tls">TLS termination followed by the HTTP server.</param>
    /// <param name="plaintext">The cleartext pipeline (h2c detection, then the HTTP server); known once the listener is built.</param>
    public ConnectionDelegate Middleware(ConnectionDelegate tls, Func<ConnectionDelegate> plaintext, TimeSpan firstBytesTimeout) => async connection =>
    {
        bool isTls;
        using (var silence = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            silence.CancelAfter(firstBytesTimeout);
            try
            {
                isTls = await StartsWithTlsAsync(connection, silence.Token);
            }
            catch (OperationCanceledException)
            {
                connection.Abort();
                return;
            }
        }

        var mode = _policy.Current;
        if (isTls && mode != MtlsMode.Disable)
        {
            await tls(connection);
            return;
        }

        if (mode == MtlsMode.Strict)
        {
            _metrics.PlaintextRefused();
            LogPlaintextRefused(connection.RemoteEndPoint?.ToString() ?? "");
            connection.Abort(new ConnectionAbortedException("inbound mTLS is STRICT: plaintext refused"));
            return;
        }

        await plaintext()(connection);
    };

    private static async ValueTask<bool> StartsWithTlsAsync(ConnectionContext connection, CancellationToken cancellationToken)
    {
        var input = connection.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length >= 2 || result.IsCompleted)
            {
                var first = buffer.Length > 0 ? buffer.FirstSpan[0] : (byte)0;
                var second = buffer.Length > 1 ? buffer.Slice(1, 1).FirstSpan[0] : (byte)0;

                // Examined nothing: the next reader (TLS or HTTP) starts from the first byte.
                input.AdvanceTo(buffer.Start);
                return first == HandshakeRecord && second == TlsMajorVersion;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Inbound mTLS is STRICT: closed a plaintext connection from {Remote}")]
    private partial void LogPlaintextRefused(string remote);
}
