using System.Net.Sockets;
using System.Text;

namespace Mesh.Proxy.Tests.Fixtures;

/// <summary>A client of the outbound listener's CONNECT tunnels, as <c>ncat --proxy</c> or <c>curl -p</c> would be.</summary>
public static class TcpTunnel
{
    /// <summary>Opens a tunnel to <paramref name="authority"/>; returns the status line's code and, on 200, the open socket.</summary>
    public static async Task<(int Status, Socket? Socket)> OpenAsync(int proxyPort, string authority)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(System.Net.IPAddress.Loopback, proxyPort);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n"));
            var head = await ReadHeadAsync(socket);
            var status = int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            if (status == 200)
            {
                var open = socket;
                socket = null;
                return (status, open);
            }

            return (status, null);
        }
        finally
        {
            socket?.Dispose();
        }
    }

    /// <summary>Opens a tunnel that must succeed.</summary>
    public static async Task<Socket> OpenOkAsync(int proxyPort, string authority)
    {
        var (status, socket) = await OpenAsync(proxyPort, authority);
        Assert.True(status == 200, $"CONNECT {authority} answered {status}");
        return socket!;
    }

    /// <summary>Reads one line (without its newline).</summary>
    public static async Task<string> ReadLineAsync(Stream stream)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1 && one[0] != '\n')
        {
            line.Append((char)one[0]);
        }

        return line.ToString();
    }

    /// <summary>Reads until the peer closes; fails the test after <paramref name="timeout"/>.</summary>
    public static async Task<byte[]> ReadToEndAsync(Stream stream, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        using var all = new MemoryStream();
        await stream.CopyToAsync(all, deadline.Token);
        return all.ToArray();
    }

    // Byte by byte: nothing after the head may be taken from the tunnel.
    private static async Task<string> ReadHeadAsync(Socket socket)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await socket.ReceiveAsync(one, SocketFlags.None, deadline.Token) == 0)
            {
                throw new IOException($"the proxy closed the connection after '{head}'");
            }

            head.Append((char)one[0]);
        }

        return head.ToString();
    }
}
