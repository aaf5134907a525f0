using System.Net.Sockets;

namespace Mesh.Proxy.Clusters;

/// <summary>
/// TCP keepalive for upstream connections (Istio's connectionPool.tcp.tcpKeepalive), set on each new socket. A field
/// left at 0 keeps the operating system's default; times are whole seconds, as the socket options take them.
/// </summary>
internal sealed record UpstreamKeepalive(int Probes, int TimeSeconds, int IntervalSeconds)
{
    public static UpstreamKeepalive? From(Api.V1.TcpKeepalive? proto) => proto is null
        ? null
        : new UpstreamKeepalive(
            (int)Math.Min(proto.Probes, int.MaxValue),
            Seconds(proto.Time?.ToTimeSpan()),
            Seconds(proto.Interval?.ToTimeSpan()));

    public void Apply(Socket socket)
    {
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        if (TimeSeconds > 0)
        {
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, TimeSeconds);
        }

        if (IntervalSeconds > 0)
        {
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, IntervalSeconds);
        }

        if (Probes > 0)
        {
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, Probes);
        }
    }

    // Rounded up: a keepalive of 1500ms must not probe sooner than asked. Linux caps these options at 32767 s.
    private static int Seconds(TimeSpan? time) =>
        time is { } t && t > TimeSpan.Zero ? (int)Math.Min(32_767, Math.Ceiling(t.TotalSeconds)) : 0;
}
