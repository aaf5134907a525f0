using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using Mesh.Proxy.Tcp;

namespace Mesh.Proxy.Tests.Tcp;

/// <summary>The SNI reader on real ClientHellos (whole, split, truncated) and on random bytes.</summary>
public sealed class ClientHelloTests
{
    [Fact]
    public async Task Reads_the_server_name_of_a_real_client_hello_whole_or_in_segments()
    {
        var hello = await CaptureAsync("Service.Example.com");

        Assert.Equal(ClientHello.Status.Parsed, ClientHello.TryReadServerName(new ReadOnlySequence<byte>(hello), out var whole));
        Assert.Equal("service.example.com", whole);
        Assert.Equal(ClientHello.Status.Parsed, ClientHello.TryReadServerName(Segmented(hello, 7), out var split));
        Assert.Equal("service.example.com", split);
    }

    [Fact]
    public async Task Every_prefix_of_a_client_hello_asks_for_more()
    {
        var hello = await CaptureAsync("a.example.com");
        for (var length = 0; length < hello.Length; length++)
        {
            Assert.Equal(ClientHello.Status.Incomplete, ClientHello.TryReadServerName(new ReadOnlySequence<byte>(hello, 0, length), out _));
        }
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        // 20,000 inputs, half of them starting like a handshake record so that the parser gets past the header.
        var random = new Random(1606);
        for (var i = 0; i < 20_000; i++)
        {
            var data = new byte[random.Next(0, 400)];
            random.NextBytes(data);
            if (i % 2 == 0 && data.Length >= 6)
            {
                data[0] = 0x16;
                data[1] = 0x03;
                data[3] = 0;
                data[4] = (byte)(data.Length - 5);
                data[5] = 1;
            }

            var status = ClientHello.TryReadServerName(new ReadOnlySequence<byte>(data), out var name);
            Assert.True(status != ClientHello.Status.Parsed || name is null || name.Length <= 255);
        }
    }

    [Fact]
    public void A_connection_that_is_not_tls_is_said_so_from_its_first_byte()
    {
        Assert.Equal(ClientHello.Status.NotTls, ClientHello.TryReadServerName(new ReadOnlySequence<byte>("G"u8.ToArray()), out _));
    }

    private static ReadOnlySequence<byte> Segmented(byte[] data, int size)
    {
        Segment? first = null, last = null;
        for (var offset = 0; offset < data.Length; offset += size)
        {
            var memory = data.AsMemory(offset, Math.Min(size, data.Length - offset));
            last = last is null ? first = new Segment(memory, 0) : last.Append(memory);
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    /// <summary>The first record a real .NET TLS client sends for this name, captured by a socket that never answers.</summary>
    internal static async Task<byte[]> CaptureAsync(string serverName)
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, ((System.Net.IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await listener.AcceptTcpClientAsync();
        var tls = new SslStream(client.GetStream());
        var pending = tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName });
        var buffer = new byte[16 * 1024];
        var read = 0;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (read < 5 || read < 5 + ((buffer[3] << 8) | buffer[4]))
        {
            read += await server.GetStream().ReadAsync(buffer.AsMemory(read), deadline.Token);
        }

        client.Close();
        await Assert.ThrowsAnyAsync<Exception>(() => pending);
        await tls.DisposeAsync();
        return buffer[..read];
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
