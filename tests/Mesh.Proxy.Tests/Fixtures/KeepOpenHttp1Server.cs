using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Proxy.Tests.Fixtures;

/// <summary>
/// An HTTP/1.1 server on 127.0.0.1 that keeps every connection open whatever the request says: it ignores
/// <c>Connection: close</c>, which a server should not (RFC 9112 §9.6) but may. It takes only requests without a
/// body (a head up to its blank line), answers each 200 "ok", and counts the requests each connection carried.
/// </summary>
public sealed class KeepOpenHttp1Server : IAsyncDisposable
{
    private static readonly byte[] Response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"u8.ToArray();
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, int> _requests = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private int _connectionCount;

    public KeepOpenHttp1Server()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Per connection (numbered in the order they were accepted), the requests it carried.</summary>
    public IReadOnlyDictionary<int, int> RequestsPerConnection => _requests;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll([_accepting, .. connections]);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                var id = Interlocked.Increment(ref _connectionCount);
                lock (_connections)
                {
                    _connections.Add(ServeAsync(socket, id));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(Socket socket, int id)
    {
        using var stream = new NetworkStream(socket, ownsSocket: true);
        var buffer = new byte[16 * 1024];
        var filled = 0;
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(filled), _stop.Token);
                if (read == 0)
                {
                    return;
                }

                filled += read;
                int end;
                while ((end = buffer.AsSpan(0, filled).IndexOf(HeadEnd)) >= 0)
                {
                    _requests.AddOrUpdate(id, 1, (_, n) => n + 1);
                    await stream.WriteAsync(Response, _stop.Token);
                    var rest = filled - (end + HeadEnd.Length);
                    buffer.AsSpan(end + HeadEnd.Length, rest).CopyTo(buffer);
                    filled = rest;
                }

                if (filled == buffer.Length)
                {
                    throw new InvalidOperationException($"a request head longer than {buffer.Length} bytes: {Encoding.ASCII.GetString(buffer, 0, 64)}…");
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // Stopped, or the client went away.
        }
    }
}
