using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using static Mesh.Proxy.Tests.Clusters.Http2Frames;

namespace Mesh.Proxy.Tests.Fixtures;

/// <summary>
/// A minimal h2c server on 127.0.0.1, on raw sockets for one behaviour no server at hand has: it sends its SETTINGS
/// (SETTINGS_MAX_CONCURRENT_STREAMS 100) only once it has read the client's whole connection preface, the 24-byte
/// magic and a SETTINGS frame, which RFC 9113 §3.4 allows. It acknowledges every SETTINGS frame and PING, and answers
/// each request 200 with no body, holding it until <c>hold</c> requests have arrived (or a deadline passes); like
/// <see cref="StreamCountingBackend"/> it records, per connection, the most requests it had in flight at once.
/// </summary>
public sealed class LateSettingsHttp2Server : IAsyncDisposable
{
    private const byte EndStream = 0x1;
    private const byte EndHeaders = 0x4;

    // HPACK (RFC 7541 Appendix A): static table entry 8, ":status: 200".
    private const byte Status200 = 0x88;

    private static readonly byte[] Magic = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private readonly List<int> _active = [];
    private readonly List<int> _peaks = [];
    private readonly List<string> _problems = [];
    private readonly List<Task> _connections = [];
    private readonly int _hold;
    private readonly TimeSpan _deadline;
    private Task _accepting = Task.CompletedTask;
    private int _arrived;

    private LateSettingsHttp2Server(int hold, TimeSpan deadline)
    {
        _hold = hold;
        _deadline = deadline;
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Whether <c>hold</c> requests were in flight together before the deadline.</summary>
    public bool AllHeldTogether => _allArrived.Task.IsCompletedSuccessfully;

    /// <summary>Per connection, the most requests it had in flight at once.</summary>
    public IReadOnlyList<int> PeakStreams
    {
        get
        {
            lock (_lock)
            {
                return [.. _peaks];
            }
        }
    }

    /// <summary>What went wrong on any connection: a bad preface, a request before the server's SETTINGS, a GOAWAY from the client.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_lock)
            {
                return [.. _problems];
            }
        }
    }

    public static LateSettingsHttp2Server Start(int hold, TimeSpan deadline)
    {
        var server = new LateSettingsHttp2Server(hold, deadline);
        server._listener.Start();
        server._accepting = server.AcceptAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] connections;
        lock (_lock)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_lock)
            {
                _active.Add(0);
                _peaks.Add(0);
                _connections.Add(ServeAsync(socket, _peaks.Count - 1));
            }
        }
    }

    private async Task ServeAsync(Socket socket, int connection)
    {
        using var stream = new NetworkStream(socket, ownsSocket: true);
        using var writeLock = new SemaphoreSlim(1, 1);
        var answers = new List<Task>();
        try
        {
            var preface = new byte[Magic.Length];
            await stream.ReadExactlyAsync(preface, _stop.Token);
            if (!preface.AsSpan().SequenceEqual(Magic))
            {
                Problem("the client's preface is not HTTP/2's");
                return;
            }

            var settingsSent = false;
            var header = new byte[9];
            while (true)
            {
                await stream.ReadExactlyAsync(header, _stop.Token);
                var payload = new byte[(header[0] << 16) | (header[1] << 8) | header[2]];
                await stream.ReadExactlyAsync(payload, _stop.Token);
                var (type, flags, streamId) = (header[3], header[4], BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(5)) & 0x7FFFFFFF);
                if (type == Settings && (flags & Ack) == 0)
                {
                    // The first SETTINGS frame completes the client's preface: only now does the server send its own.
                    byte[] reply = settingsSent ? Frame(Settings, Ack, 0, []) : [.. SettingsFrame((MaxConcurrentStreams, 100)), .. Frame(Settings, Ack, 0, [])];
                    settingsSent = true;
                    await WriteAsync(stream, writeLock, reply);
                }
                else if (type == Ping && (flags & Ack) == 0)
                {
                    await WriteAsync(stream, writeLock, Frame(Ping, Ack, 0, payload));
                }
                else if (type == Headers)
                {
                    if (!settingsSent)
                    {
                        Problem($"a request on stream {streamId} before any SETTINGS frame");
                    }

                    Arrived(connection);
                    answers.Add(AnswerAsync(stream, writeLock, connection, streamId));
                }
                else if (type == GoAway)
                {
                    Problem($"the client sent GOAWAY with error code {BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4))}");
                    return;
                }
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or OperationCanceledException)
        {
            // The client closed the connection, or the test is over.
        }
        finally
        {
            await Task.WhenAll(answers);
        }
    }

    private void Arrived(int connection)
    {
        lock (_lock)
        {
            _peaks[connection] = Math.Max(_peaks[connection], ++_active[connection]);
            if (++_arrived >= _hold)
            {
                _allArrived.TrySetResult();
            }
        }
    }

    private async Task AnswerAsync(NetworkStream stream, SemaphoreSlim writeLock, int connection, uint streamId)
    {
        try
        {
            await _allArrived.Task.WaitAsync(_deadline, _stop.Token);
        }
        catch (TimeoutException)
        {
            // Answered all the same: the test sees AllHeldTogether false and says why it failed.
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_lock)
        {
            _active[connection]--;
        }

        await writeLock.WaitAsync();
        try
        {
            await stream.WriteAsync(Frame(Headers, EndStream | EndHeaders, streamId, [Status200]));
        }
        catch (IOException)
        {
            // The client went away first.
        }
        finally
        {
            writeLock.Release();
        }
    }

    private async Task WriteAsync(NetworkStream stream, SemaphoreSlim writeLock, byte[] frames)
    {
        await writeLock.WaitAsync(_stop.Token);
        try
        {
            await stream.WriteAsync(frames, _stop.Token);
        }
        finally
        {
            writeLock.Release();
        }
    }

    private void Problem(string problem)
    {
        lock (_lock)
        {
            _problems.Add(problem);
        }
    }
}
