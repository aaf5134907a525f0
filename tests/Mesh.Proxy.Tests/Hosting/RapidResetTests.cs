using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Mesh.Proxy.Tests.Clusters;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Mesh.Proxy.Tests.Hosting;

/// <summary>
/// HTTP/2 rapid reset (CVE-2023-44487) against the outbound listener, from a raw frame writer: each stream is opened
/// and reset at once. The proxy must not pass such requests on to the backend, and must close a connection that
/// keeps doing it.
/// </summary>
public sealed class RapidResetTests(ITestOutputHelper output)
{
    private const int Streams = 2_000;
    private const byte Headers = 0x1;
    private const byte RstStream = 0x3;
    private const byte Settings = 0x4;
    private const byte GoAway = 0x7;
    private const byte EndStream = 0x1;
    private const byte EndHeaders = 0x4;
    private const uint Cancel = 0x8;

    [Fact]
    public async Task Streams_reset_right_after_their_headers_barely_reach_the_backend_and_the_connection_is_closed()
    {
        await using var backend = await TestBackend.StartAsync("reviews");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFactory.Simple(backend));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, proxy.OutboundPort);
        using var stream = new NetworkStream(socket, ownsSocket: false);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await stream.WriteAsync(Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), deadline.Token);
        await stream.WriteAsync(Http2Frames.Frame(Settings, 0, 0, []), deadline.Token);
        var reader = ReadUntilClosedAsync(stream, deadline.Token);

        // A stream that is not reset goes through: the frames are right, and the backend counts what arrives.
        await stream.WriteAsync(Http2Frames.Frame(Headers, EndHeaders | EndStream, 1, RequestHeaderBlock("reviews")), deadline.Token);
        await Eventually.AssertAsync(() => backend.RequestCount == 1, "an ordinary stream reaches the backend");

        var sent = 0;
        for (var batch = 0; batch < Streams / 100 && !reader.IsCompleted; batch++)
        {
            using var frames = new MemoryStream();
            for (var i = 0; i < 100; i++)
            {
                var id = (uint)(((batch * 100) + i) * 2) + 3;
                frames.Write(Http2Frames.Frame(Headers, EndHeaders | EndStream, id, RequestHeaderBlock("reviews")));
                frames.Write(Http2Frames.Frame(RstStream, 0, id, BigEndian(Cancel)));
            }

            try
            {
                await stream.WriteAsync(frames.ToArray(), deadline.Token);
            }
            catch (IOException)
            {
                break;
            }

            sent += 100;
        }

        var closed = await reader;
        await Eventually.AssertAsync(
            async () => System.Text.Json.JsonDocument.Parse(await proxy.Admin.GetStringAsync("/clusters")).RootElement
                .GetProperty("clusters")[0].GetProperty("active_requests").GetInt32() == 0,
            "nothing is still being forwarded");
        var reached = backend.RequestCount - 1;
        output.WriteLine($"sent {sent} reset streams; connection closed by the proxy: {closed}; {reached} reached the backend");

        Assert.True(closed, "the proxy closes a connection that resets streams this fast (GOAWAY or abort)");
        Assert.True(reached <= sent / 20, $"at most 5% of {sent} reset streams reach the backend, not {reached}");
    }

    [Fact]
    public async Task A_client_resetting_streams_one_by_one_after_they_reach_the_backend_is_sent_goaway()
    {
        const int Attempts = 200;
        await using var backend = await TestBackend.StartAsync("reviews");
        backend.DelayNext(Attempts, 30_000);

        // The clock stands still, so every reset falls into the budget's first second however slow the machine is.
        var time = new ManualTimeProvider();
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFactory.Simple(backend), services: s => s.AddSingleton<TimeProvider>(time));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, proxy.OutboundPort);
        using var stream = new NetworkStream(socket, ownsSocket: false);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await stream.WriteAsync(Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), deadline.Token);
        await stream.WriteAsync(Http2Frames.Frame(Settings, 0, 0, []), deadline.Token);
        var reader = ReadUntilClosedAsync(stream, deadline.Token);

        var opened = 0;
        for (var i = 0; i < Attempts && !reader.IsCompleted; i++)
        {
            var id = (uint)(i * 2) + 1;
            await stream.WriteAsync(Http2Frames.Frame(Headers, EndHeaders | EndStream, id, RequestHeaderBlock("reviews")), deadline.Token);
            opened++;
            var arrived = i + 1;
            await Eventually.AssertAsync(() => backend.RequestCount >= arrived || reader.IsCompleted, "the stream reaches the backend (or the connection closes)");
            try
            {
                await stream.WriteAsync(Http2Frames.Frame(RstStream, 0, id, BigEndian(Cancel)), deadline.Token);
            }
            catch (IOException)
            {
                // The proxy closed the connection after its GOAWAY, before the reader saw it: what is asserted below.
                break;
            }
        }

        var closed = await reader;
        output.WriteLine($"opened and reset {opened} streams one by one; closed by the proxy: {closed}; {backend.RequestCount} reached the backend");

        Assert.True(closed, "the proxy sends GOAWAY to a client that resets more than its budget of streams a second");
        Assert.InRange(backend.RequestCount, Mesh.Proxy.Hosting.StreamResetBudget.MaxResetsPerSecond, Mesh.Proxy.Hosting.StreamResetBudget.MaxResetsPerSecond + 3);
    }

    /// <summary>Reads frames until the proxy sends GOAWAY or drops the connection (true), or the deadline passes (false).</summary>
    private static async Task<bool> ReadUntilClosedAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var header = new byte[9];
        var payload = new byte[1 << 16];
        try
        {
            while (true)
            {
                await stream.ReadExactlyAsync(header, cancellationToken);
                var length = (header[0] << 16) | (header[1] << 8) | header[2];
                await stream.ReadExactlyAsync(payload.AsMemory(0, Math.Min(length, payload.Length)), cancellationToken);
                if (header[3] == GoAway)
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>HPACK: :method GET, :scheme http, :path / from the static table; :authority as a literal.</summary>
    private static byte[] RequestHeaderBlock(string authority)
    {
        var name = Encoding.ASCII.GetBytes(authority);
        return [0x82, 0x86, 0x84, 0x01, (byte)name.Length, .. name];
    }

    private static byte[] BigEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }
}
