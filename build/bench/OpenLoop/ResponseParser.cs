using System.Buffers.Text;
using System.Text;

namespace Mesh.Bench.OpenLoop;

/// <summary>
/// Finds complete HTTP/1.1 responses in a receive buffer: status line, headers, and a body framed by
/// Content-Length. Every target of the benchmark answers with a Content-Length; any other framing is reported as a
/// protocol error rather than guessed at.
/// </summary>
internal static class ResponseParser
{
    private static ReadOnlySpan<byte> HeaderEnd => "\r\n\r\n"u8;

    private static ReadOnlySpan<byte> ContentLength => "content-length:"u8;

    /// <summary>The length of the first complete response in <paramref name="buffer"/> and its status; 0 while incomplete.</summary>
    /// <exception cref="InvalidDataException">The response is not HTTP/1.x or has no Content-Length.</exception>
    public static int TryParse(ReadOnlySpan<byte> buffer, out int status)
    {
        status = 0;
        var headerEnd = buffer.IndexOf(HeaderEnd);
        if (headerEnd < 0)
        {
            return 0;
        }

        var head = buffer[..headerEnd];
        if (head.Length < 12 || !head.StartsWith("HTTP/1."u8) || !Utf8Parser.TryParse(head.Slice(9, 3), out status, out _))
        {
            throw new InvalidDataException($"not an HTTP/1.x status line: {Encoding.ASCII.GetString(head[..Math.Min(head.Length, 40)])}");
        }

        var bodyLength = FindContentLength(head) ?? throw new InvalidDataException("a response without Content-Length");
        var total = headerEnd + HeaderEnd.Length + bodyLength;
        return buffer.Length >= total ? total : 0;
    }

    private static int? FindContentLength(ReadOnlySpan<byte> head)
    {
        while (true)
        {
            var lineEnd = head.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return null;
            }

            head = head[(lineEnd + 2)..];
            if (head.Length > ContentLength.Length && Ascii.EqualsIgnoreCase(head[..ContentLength.Length], ContentLength))
            {
                var value = head[ContentLength.Length..];
                var end = value.IndexOf("\r\n"u8);
                value = (end < 0 ? value : value[..end]).Trim((byte)' ');
                return Utf8Parser.TryParse(value, out int length, out var consumed) && consumed == value.Length
                    ? length
                    : throw new InvalidDataException("an invalid Content-Length");
            }
        }
    }
}
