using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Mesh.Proxy.Capture;

/// <summary>
/// Reads the pre-NAT destination of a connection iptables REDIRECTed: netfilter's <c>SO_ORIGINAL_DST</c>
/// (<c>getsockopt(SOL_IP, 80)</c>, and <c>IP6T_SO_ORIGINAL_DST</c> on <c>SOL_IPV6</c>, also 80), which answers a
/// <c>sockaddr_in</c> / <c>sockaddr_in6</c> from the connection-tracking entry. Linux only (P/Invoke into libc).
/// </summary>
internal static class OriginalDestination
{
    private const int SolIp = 0;
    private const int SolIpv6 = 41;
    private const int SoOriginalDst = 80;
    private const ushort AfInet = 2;
    private const ushort AfInet6 = 10;
    private const int SockaddrIn6Size = 28;

    /// <summary>The original destination, or null where there is none (not Linux, no conntrack entry, not TCP/IP).</summary>
    public static IPEndPoint? TryRead(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Span<byte> address = stackalloc byte[SockaddrIn6Size];

        // A dual-mode IPv6 socket carries IPv4 connections too; their conntrack entry answers on SOL_IP.
        if (socket.AddressFamily == AddressFamily.InterNetworkV6 && TryGet(socket, SolIpv6, address) is { } v6)
        {
            return v6;
        }

        return TryGet(socket, SolIp, address);
    }

    /// <summary>Decodes a Linux <c>sockaddr_in</c> or <c>sockaddr_in6</c>; null for any other family or a short buffer.</summary>
    public static IPEndPoint? Parse(ReadOnlySpan<byte> sockaddr)
    {
        if (sockaddr.Length < 8)
        {
            return null;
        }

        // sa_family and sin6_scope_id are in host byte order, the port in network byte order.
        var family = MemoryMarshal.Read<ushort>(sockaddr);
        var port = BinaryPrimitives.ReadUInt16BigEndian(sockaddr[2..]);
        return family switch
        {
            AfInet => new IPEndPoint(new IPAddress(sockaddr.Slice(4, 4)), port),
            AfInet6 when sockaddr.Length >= SockaddrIn6Size => new IPEndPoint(new IPAddress(sockaddr.Slice(8, 16), MemoryMarshal.Read<uint>(sockaddr[24..])), port),
            _ => null,
        };
    }

    private static IPEndPoint? TryGet(Socket socket, int level, Span<byte> buffer)
    {
        // Called directly rather than through Socket.GetRawSocketOption, which throws on failure: every connection
        // that was not redirected (local mode, explicit proxy) fails with ENOENT and must stay cheap.
        var length = (uint)buffer.Length;
        return GetSockOpt(socket.SafeHandle, level, SoOriginalDst, ref MemoryMarshal.GetReference(buffer), ref length) == 0
            ? Parse(buffer[..(int)Math.Min(length, (uint)buffer.Length)])
            : null;
    }

    [DllImport("libc", EntryPoint = "getsockopt")]
    private static extern int GetSockOpt(SafeSocketHandle socket, int level, int optionName, ref byte optionValue, ref uint optionLength);
}
