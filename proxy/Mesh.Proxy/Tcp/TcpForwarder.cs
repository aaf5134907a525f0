using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Mesh.Proxy.Clusters;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mesh.Proxy.Tcp;

/// <summary>
/// Forwards one downstream connection at L4: picks the route (by destination address and, on TLS ports, the
/// ClientHello's SNI read without consuming it), a weighted destination and an endpoint, connects within the
/// cluster's connect timeout and under its maxConnections, then copies bytes both ways through the downstream's
/// pooled pipe buffers until both sides are done or the connection is idle too long. A connect failure counts as a
/// locally originated failure for outlier detection.
/// </summary>
internal sealed partial class TcpForwarder
{
    private readonly TimeProvider _time;
    private readonly TcpProxyOptions _options;
    private readonly ILogger<TcpForwarder> _logger;

    public TcpForwarder(TimeProvider time, TcpProxyOptions options, ILogger<TcpForwarder> logger)
    {
        _time = time;
        _options = options;
        _logger = logger;
    }

    /// <param name="destination">The address the client meant to reach, for destinationSubnets; null when unknown.</param>
    /// <param name="answerConnect">The client sent CONNECT and waits for its answer: 200 once the upstream is connected, else an error status.</param>
    public async Task ForwardAsync(ConnectionContext downstream, TcpListenerRuntime listener, IPAddress? destination, bool answerConnect)
    {
        string? serverName = null;
        if (listener.Tls && listener.NeedsServerName)
        {
            var (open, name) = await ReadServerNameAsync(downstream);
            if (!open)
            {
                return;
            }

            serverName = name;
        }

        var route = listener.Match(destination, serverName);
        if (route is null)
        {
            LogNoRoute(_logger, listener.Name, serverName);
            await AnswerAsync(downstream, answerConnect, ConnectRequest.NotFound);
            return;
        }

        var target = route.Pick();
        var cluster = target.Cluster;
        if (!cluster.Stats.TryEnterTcpConnection(target.MaxConnections))
        {
            target.Metrics.Failed("overflow");
            LogOverflow(_logger, cluster.Name, target.MaxConnections);
            await AnswerAsync(downstream, answerConnect, ConnectRequest.Unavailable);
            return;
        }

        try
        {
            var endpoint = cluster.Balancer.Pick(BalancingContext(downstream), _time.GetTimestamp());
            if (endpoint is null)
            {
                target.Metrics.Failed("no_endpoint");
                await AnswerAsync(downstream, answerConnect, ConnectRequest.Unavailable);
                return;
            }

            using var upstream = await ConnectAsync(endpoint, target.ConnectTimeout, downstream.ConnectionClosed);
            if (upstream is null)
            {
                cluster.OutlierDetector?.Report(endpoint, 0);
                target.Metrics.Failed("connect_failure");
                await AnswerAsync(downstream, answerConnect, ConnectRequest.BadGateway);
                return;
            }

            // A connection that opened is a success for outlier detection: it resets the endpoint's failure counts.
            cluster.OutlierDetector?.Report(endpoint, StatusCodes.Status200OK);
            if (answerConnect && !await AnswerAsync(downstream, true, ConnectRequest.Established))
            {
                return;
            }

            endpoint.Stats.OnRequestStarted();
            target.Metrics.Opened.Inc();
            try
            {
                await SpliceAsync(downstream, upstream, target.Metrics, route.Name, target.IdleTimeout ?? _options.IdleTimeout);
            }
            finally
            {
                endpoint.Stats.OnRequestFinished();
                target.Metrics.Closed.Inc();
            }
        }
        finally
        {
            cluster.Stats.ExitTcpConnection();
        }
    }

    // Consistent-hash balancers read the client's address from a request; an L4 connection has only that.
    private static DefaultHttpContext BalancingContext(ConnectionContext downstream)
    {
        var context = new DefaultHttpContext();
        if (downstream.RemoteEndPoint is IPEndPoint remote)
        {
            context.Connection.RemoteIpAddress = remote.Address;
            context.Connection.RemotePort = remote.Port;
        }

        return context;
    }

    private static async ValueTask<bool> AnswerAsync(ConnectionContext downstream, bool answer, ReadOnlyMemory<byte> status)
    {
        if (!answer)
        {
            return true;
        }

        var result = await downstream.Transport.Output.WriteAsync(status, downstream.ConnectionClosed);
        return !result.IsCompleted && !result.IsCanceled;
    }

    private async Task<(bool Open, string? ServerName)> ReadServerNameAsync(ConnectionContext downstream)
    {
        var input = downstream.Transport.Input;
        using var timeout = new CancellationTokenSource(_options.ClientHelloTimeout, _time);
        using var closed = downstream.ConnectionClosed.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timeout);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(timeout.Token);
                var buffer = result.Buffer;
                var status = ClientHello.TryReadServerName(buffer, out var name);
                if (status != ClientHello.Status.Incomplete || result.IsCompleted || buffer.Length >= ClientHello.MaxRecordBytes)
                {
                    // Examined, not consumed: the upstream gets the ClientHello as the client sent it.
                    input.AdvanceTo(buffer.Start);
                    if (status == ClientHello.Status.NotTls)
                    {
                        LogNotTls(_logger, downstream.ConnectionId);
                    }

                    return (!(result.IsCompleted && buffer.IsEmpty), name);
                }

                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (OperationCanceledException)
        {
            LogClientHelloTimeout(_logger, downstream.ConnectionId);
            return (false, null);
        }
    }

    private async Task<Socket?> ConnectAsync(EndpointRuntime endpoint, TimeSpan connectTimeout, CancellationToken closed)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(connectTimeout, _time);
        using var link = closed.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timeout);
        try
        {
            EndPoint remote = IPAddress.TryParse(endpoint.Address, out var address)
                ? new IPEndPoint(address, endpoint.Port)
                : new DnsEndPoint(endpoint.Address, endpoint.Port);
            await socket.ConnectAsync(remote, timeout.Token);
            return socket;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            LogConnectFailed(_logger, endpoint.Address, endpoint.Port, ex is OperationCanceledException ? "timed out" : ex.Message);
            return null;
        }
    }

    private async Task SpliceAsync(ConnectionContext downstream, Socket upstream, TcpSeries metrics, string route, TimeSpan idleTimeout)
    {
        // Not linked to ConnectionClosed: Kestrel fires it when the client half-closes, while the upstream's answer
        // must still flow. The pipes themselves say when the downstream is gone.
        using var cancel = new CancellationTokenSource();
        using var idle = new IdleTimer(_time, idleTimeout, cancel);
        var up = PumpUpstreamAsync(downstream.Transport.Input, upstream, idle, metrics, cancel.Token);
        var down = PumpDownstreamAsync(upstream, downstream.Transport.Output, idle, metrics, cancel.Token);

        // The client finishing its half (a half-close) leaves the upstream's answer to flow; the upstream finishing
        // (or either side failing) ends the connection: Kestrel's transport closes both directions at once.
        var first = await Task.WhenAny(up, down);
        if (first == down || !up.IsCompletedSuccessfully)
        {
            await cancel.CancelAsync();
        }

        try
        {
            await Task.WhenAll(up, down);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ConnectionResetException or ConnectionAbortedException)
        {
            if (idle.Expired)
            {
                LogIdle(_logger, route, idleTimeout);
            }
        }
    }

    private static async Task PumpUpstreamAsync(PipeReader input, Socket upstream, IdleTimer idle, TcpSeries metrics, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (!buffer.IsEmpty)
            {
                foreach (var segment in buffer)
                {
                    for (var sent = 0; sent < segment.Length;)
                    {
                        sent += await upstream.SendAsync(segment[sent..], SocketFlags.None, cancellationToken);
                    }
                }

                metrics.Received.Inc(buffer.Length);
                idle.Touch();
            }

            input.AdvanceTo(buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                upstream.Shutdown(SocketShutdown.Send);
                return;
            }
        }
    }

    private static async Task PumpDownstreamAsync(Socket upstream, PipeWriter output, IdleTimer idle, TcpSeries metrics, CancellationToken cancellationToken)
    {
        while (true)
        {
            // The pipe's own pooled block: nothing is allocated per read.
            var memory = output.GetMemory();
            var read = await upstream.ReceiveAsync(memory, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return;
            }

            output.Advance(read);
            metrics.Sent.Inc(read);
            idle.Touch();
            var flush = await output.FlushAsync(cancellationToken);
            if (flush.IsCompleted || flush.IsCanceled)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "L4 {Listener}: no route for server name {ServerName}")]
    private static partial void LogNoRoute(ILogger logger, string listener, string? serverName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "L4 connection to cluster {Cluster} refused: maxConnections {Limit} reached")]
    private static partial void LogOverflow(ILogger logger, string cluster, int limit);

    [LoggerMessage(Level = LogLevel.Debug, Message = "L4 connection {ConnectionId} on a TLS port does not start with a ClientHello")]
    private static partial void LogNotTls(ILogger logger, string connectionId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "L4 connection {ConnectionId} sent no complete ClientHello in time; closed")]
    private static partial void LogClientHelloTimeout(ILogger logger, string connectionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "L4 connect to {Address}:{Port} failed: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string address, int port, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "L4 connection on route {Route} closed after {IdleTimeout} idle")]
    private static partial void LogIdle(ILogger logger, string route, TimeSpan idleTimeout);
}
