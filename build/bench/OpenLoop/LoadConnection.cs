using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Mesh.Bench.OpenLoop;

/// <summary>
/// One keep-alive connection carrying one request at a time. A request scheduled while the previous one is still
/// out waits in the connection's queue and is sent when the answer arrives; its latency still runs from its
/// intended time.
/// </summary>
internal sealed class LoadConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _request;
    private readonly RequestLog _log;
    private readonly Queue<int> _pending = new();
    private readonly Lock _lock = new();
    private bool _broken;

    private LoadConnection(Socket socket, byte[] request, RequestLog log)
    {
        _socket = socket;
        _request = request;
        _log = log;
    }

    public static async Task<LoadConnection> OpenAsync(IPEndPoint target, byte[] request, RequestLog log, CancellationToken cancellationToken)
    {
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(target, cancellationToken);
        return new LoadConnection(socket, request, log);
    }

    /// <summary>Schedules request <paramref name="index"/>: sent now if the connection is idle, else after the ones ahead of it.</summary>
    public void Enqueue(int index)
    {
        bool sendNow;
        lock (_lock)
        {
            if (_broken)
            {
                _log.Fail(index);
                return;
            }

            _pending.Enqueue(index);
            sendNow = _pending.Count == 1;
        }

        if (sendNow)
        {
            Send();
        }
    }

    /// <summary>Reads answers until the connection closes or fails; fails whatever is still pending then.</summary>
    public async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var filled = 0;
        try
        {
            while (true)
            {
                var read = await _socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                filled += read;
                var consumed = 0;
                int length;
                while ((length = ResponseParser.TryParse(buffer.AsSpan(consumed, filled - consumed), out var status)) > 0)
                {
                    consumed += length;
                    Answered(status);
                }

                if (consumed > 0)
                {
                    buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                    filled -= consumed;
                }
                else if (filled == buffer.Length)
                {
                    throw new InvalidDataException("a response head larger than the receive buffer");
                }
            }
        }
        catch (Exception e) when (e is SocketException or InvalidDataException or OperationCanceledException or ObjectDisposedException)
        {
            if (e is InvalidDataException)
            {
                await Console.Error.WriteLineAsync($"openloop: {e.Message}");
            }
        }
        finally
        {
            Break();
        }
    }

    public void Dispose() => _socket.Dispose();

    private void Answered(int status)
    {
        var now = Stopwatch.GetTimestamp();
        bool sendNext;
        lock (_lock)
        {
            _log.Complete(_pending.Dequeue(), status, now);
            sendNext = _pending.Count > 0;
        }

        if (sendNext)
        {
            Send();
        }
    }

    private void Send()
    {
        try
        {
            _socket.Send(_request);
        }
        catch (SocketException)
        {
            Break();
        }
    }

    private void Break()
    {
        lock (_lock)
        {
            _broken = true;
            while (_pending.TryDequeue(out var index))
            {
                _log.Fail(index);
            }
        }
    }
}
