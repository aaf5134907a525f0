using Mesh.Proxy.Capture;
using Mesh.Proxy.Lifecycle;
using Mesh.Proxy.Runtime;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Mesh.Proxy.Tcp;

/// <summary>
/// Connection middleware of the outbound listener, ahead of HTTP: a connection for an L4 service port bypasses
/// HTTP and is forwarded as bytes. Which connections: one that iptables captured on its way to a cluster IP and
/// port of an L4 listener (its original destination), or one that opens with <c>CONNECT host:port</c> naming one
/// (explicit proxy, local mode). Everything else goes on to HTTP untouched; with no L4 listener configured nothing
/// is even read.
/// </summary>
internal sealed partial class TcpConnectionMiddleware
{
    private readonly SnapshotHolder _snapshots;
    private readonly TcpForwarder _forwarder;
    private readonly DrainState _drain;
    private readonly TcpProxyOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TcpConnectionMiddleware> _logger;

    public TcpConnectionMiddleware(SnapshotHolder snapshots, TcpForwarder forwarder, DrainState drain, TcpProxyOptions options, TimeProvider time, ILogger<TcpConnectionMiddleware> logger)
    {
        _snapshots = snapshots;
        _forwarder = forwarder;
        _drain = drain;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public ConnectionDelegate Use(ConnectionDelegate next) => connection => OnConnectionAsync(connection, next);

    private async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var listeners = _snapshots.Current?.TcpListeners;
        if (listeners is null || listeners.IsEmpty || _drain.IsDraining)
        {
            await next(connection);
            return;
        }

        if (connection.Features.Get<IOriginalDestinationFeature>() is { } original)
        {
            if (listeners.Find(original.EndPoint) is { } captured)
            {
                await _forwarder.ForwardAsync(connection, captured, original.EndPoint.Address, answerConnect: false);
                return;
            }

            await next(connection);
            return;
        }

        var (status, request) = await ReadConnectAsync(connection);
        switch (status)
        {
            case ConnectRequest.Status.NotConnect:
                await next(connection);
                return;
            case ConnectRequest.Status.Parsed when listeners.Find(request.Host, request.Port) is { } listener:
                var destination = System.Net.IPAddress.TryParse(request.Host, out var literal) ? literal : listener.ClusterIp;

                // A TLS client speaks only once the tunnel is up, and its ClientHello picks the route: answer first.
                if (listener.NeedsServerName)
                {
                    await connection.Transport.Output.WriteAsync(ConnectRequest.Established, connection.ConnectionClosed);
                }

                await _forwarder.ForwardAsync(connection, listener, destination, answerConnect: !listener.NeedsServerName);
                return;
            case ConnectRequest.Status.Parsed:
                LogUnknownTunnel(_logger, request.Host, request.Port);
                await connection.Transport.Output.WriteAsync(ConnectRequest.NotFound, connection.ConnectionClosed);
                return;
            case ConnectRequest.Status.Invalid:
                await connection.Transport.Output.WriteAsync(ConnectRequest.BadRequest, connection.ConnectionClosed);
                return;
            default:
                // Closed or silent before its head was complete.
                return;
        }
    }

    private async Task<(ConnectRequest.Status Status, ConnectRequest Request)> ReadConnectAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        // As long as a silent HTTP connection may wait for its first request.
        using var timeout = new CancellationTokenSource(Hosting.H2cPrefaceDetection.FirstBytesTimeout, _time);
        using var closed = connection.ConnectionClosed.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timeout);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(timeout.Token);
                var buffer = result.Buffer;
                var status = ConnectRequest.TryParse(buffer, out var request, out var headLength);
                if (status == ConnectRequest.Status.Parsed)
                {
                    input.AdvanceTo(buffer.GetPosition(headLength));
                    return (status, request);
                }

                if (status != ConnectRequest.Status.Incomplete)
                {
                    input.AdvanceTo(buffer.Start);
                    return (status, request);
                }

                if (buffer.Length > _options.MaxConnectRequestBytes)
                {
                    input.AdvanceTo(buffer.Start);
                    return (ConnectRequest.Status.Invalid, request);
                }

                if (result.IsCompleted)
                {
                    // A short prefix of "CONNECT " and then nothing: too little to be anything; HTTP answers it.
                    input.AdvanceTo(buffer.Start);
                    return (buffer.Length < 8 ? ConnectRequest.Status.NotConnect : ConnectRequest.Status.Incomplete, request);
                }

                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (OperationCanceledException)
        {
            return (ConnectRequest.Status.Incomplete, default);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "CONNECT to {Host}:{Port}: no L4 service port by that name")]
    private static partial void LogUnknownTunnel(ILogger logger, string host, int port);
}
