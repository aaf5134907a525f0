using System.Buffers;
using System.Globalization;
using System.Text;

namespace Mesh.Proxy.Tcp;

/// <summary>
/// An HTTP/1.1 <c>CONNECT host:port</c> request head on the outbound listener: how an explicit-proxy client (local
/// mode, <c>HTTP_PROXY</c>, <c>curl -p</c>, <c>ncat --proxy</c>) opens a TCP tunnel to a service port.
/// </summary>
internal readonly record struct ConnectRequest(string Host, int Port)
{
    public enum Status
    {
        /// <summary>The bytes so far start like a CONNECT request; its head is not complete yet.</summary>
        Incomplete,

        Parsed,

        /// <summary>Not a CONNECT request: the connection is HTTP for the HTTP listener.</summary>
        NotConnect,

        /// <summary>A CONNECT request with a bad request line or authority.</summary>
        Invalid,
    }

    private static ReadOnlySpan<byte> Method => "CONNECT "u8;

    private static ReadOnlySpan<byte> EndOfHead => "\r\n\r\n"u8;

    public static readonly byte[] Established = "HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray();

    public static readonly byte[] BadRequest = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray();

    public static readonly byte[] NotFound = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray();

    public static readonly byte[] BadGateway = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray();

    public static readonly byte[] Unavailable = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray();

    /// <param name="headLength">With <see cref="Status.Parsed"/>: the bytes of the request head, to consume.</param>
    public static Status TryParse(in ReadOnlySequence<byte> buffer, out ConnectRequest request, out long headLength)
    {
        request = default;
        headLength = 0;
        Span<byte> start = stackalloc byte[8];
        var available = (int)Math.Min(buffer.Length, Method.Length);
        buffer.Slice(0, available).CopyTo(start);
        if (!start[..available].SequenceEqual(Method[..available]))
        {
            return Status.NotConnect;
        }

        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> head, EndOfHead))
        {
            return Status.Incomplete;
        }

        headLength = reader.Consumed;
        var lineEnd = head.PositionOf((byte)'\r') ?? head.End;
        var line = Encoding.ASCII.GetString(head.Slice(0, lineEnd));
        var parts = line.Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || !TryParseAuthority(parts[1], out var host, out var port))
        {
            return Status.Invalid;
        }

        request = new ConnectRequest(host, port);
        return Status.Parsed;
    }

    // "host:port" or "[v6]:port"; the host lower-cased, without brackets.
    private static bool TryParseAuthority(string authority, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = authority.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(authority.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return false;
        }

        var name = authority[..colon];
        if (name.StartsWith('[') && name.EndsWith(']'))
        {
            name = name[1..^1];
        }

        host = name.ToLowerInvariant();
        return host.Length > 0;
    }
}
