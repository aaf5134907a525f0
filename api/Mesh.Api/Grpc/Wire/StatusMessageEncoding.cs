using System.Buffers;
using System.Text;

namespace Mesh.Api.Grpc;

/// <summary>
/// Percent-encoding of <c>grpc-message</c>: UTF-8 bytes outside printable ASCII (0x20-0x7E) and '%' itself are
/// sent as <c>%XX</c>. Decoding is lenient, as the spec asks: a malformed escape is kept as it is.
/// </summary>
internal static class StatusMessageEncoding
{
    public static string Encode(string message)
    {
        if (!NeedsEncoding(message))
        {
            return message;
        }

        var bytes = Encoding.UTF8.GetBytes(message);
        var builder = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(HexDigit(b >> 4)).Append(HexDigit(b & 0xF));
            }
        }

        return builder.ToString();
    }

    public static string Decode(string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(value.Length));
        try
        {
            var count = 0;
            var i = 0;
            while (i < value.Length)
            {
                if (value[i] == '%' && i + 2 < value.Length && TryHex(value[i + 1], out var high) && TryHex(value[i + 2], out var low))
                {
                    buffer[count++] = (byte)((high << 4) | low);
                    i += 3;
                    continue;
                }

                // Copy the literal run up to the next escape whole, so surrogate pairs stay together.
                var next = value.IndexOf('%', i + 1);
                var run = value.AsSpan(i, (next < 0 ? value.Length : next) - i);
                count += Encoding.UTF8.GetBytes(run, buffer.AsSpan(count));
                i += run.Length;
            }

            return Encoding.UTF8.GetString(buffer, 0, count);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool NeedsEncoding(string message)
    {
        foreach (var c in message)
        {
            if (c is < (char)0x20 or > (char)0x7E or '%')
            {
                return true;
            }
        }

        return false;
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);

    private static bool TryHex(char c, out int value)
    {
        value = c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'a' and <= 'f' => c - 'a' + 10,
            >= 'A' and <= 'F' => c - 'A' + 10,
            _ => -1,
        };
        return value >= 0;
    }
}
