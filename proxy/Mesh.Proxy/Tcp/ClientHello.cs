using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Mesh.Proxy.Tcp;

/// <summary>
/// Reads the server name (SNI, RFC 6066) from the start of a TLS connection without consuming or terminating it:
/// the first record must be a handshake record holding the whole ClientHello (as every mainstream client sends it).
/// </summary>
internal static class ClientHello
{
    /// <summary>A TLS record's largest plaintext (2^14) plus its 5-byte header.</summary>
    public const int MaxRecordBytes = 16384 + 5;

    private const byte HandshakeRecord = 22;
    private const byte ClientHelloType = 1;
    private const ushort ServerNameExtension = 0;
    private const byte HostNameType = 0;
    private const int MaxHostName = 255;

    public enum Status
    {
        /// <summary>More bytes are needed to decide.</summary>
        Incomplete,

        /// <summary>A ClientHello was read; the server name is null when it sent none (or an unusable one).</summary>
        Parsed,

        /// <summary>Not a TLS ClientHello, or a malformed one.</summary>
        NotTls,
    }

    public static Status TryReadServerName(in ReadOnlySequence<byte> buffer, out string? serverName)
    {
        serverName = null;
        if (buffer.Length < 5)
        {
            return buffer.Length > 0 && buffer.FirstSpan[0] != HandshakeRecord ? Status.NotTls : Status.Incomplete;
        }

        Span<byte> header = stackalloc byte[5];
        buffer.Slice(0, 5).CopyTo(header);
        var recordLength = BinaryPrimitives.ReadUInt16BigEndian(header[3..]);
        if (header[0] != HandshakeRecord || header[1] != 3 || recordLength is 0 or > MaxRecordBytes - 5)
        {
            return Status.NotTls;
        }

        if (buffer.Length < 5 + recordLength)
        {
            return Status.Incomplete;
        }

        var record = buffer.Slice(5, recordLength);
        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> span;
            if (record.IsSingleSegment)
            {
                span = record.FirstSpan;
            }
            else
            {
                rented = ArrayPool<byte>.Shared.Rent(recordLength);
                record.CopyTo(rented);
                span = rented.AsSpan(0, recordLength);
            }

            return Parse(span, out serverName);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // The handshake message inside the record; a ClientHello longer than this record (fragmented) is not read further.
    private static Status Parse(ReadOnlySpan<byte> record, out string? serverName)
    {
        serverName = null;
        if (record.Length < 4 || record[0] != ClientHelloType)
        {
            return Status.NotTls;
        }

        var length = (record[1] << 16) | (record[2] << 8) | record[3];
        var body = record[4..];
        if (length < body.Length)
        {
            body = body[..length];
        }

        // client_version (2), random (32), session_id, cipher_suites, compression_methods, then the extensions.
        var reader = new SpanCursor(body);
        if (!reader.Skip(34) || !reader.SkipVector(1) || !reader.SkipVector(2) || !reader.SkipVector(1))
        {
            return length > body.Length ? Status.Parsed : Status.NotTls;
        }

        if (reader.Remaining == 0)
        {
            return Status.Parsed;
        }

        if (!reader.TryReadVector(2, out var extensions))
        {
            return length > body.Length ? Status.Parsed : Status.NotTls;
        }

        var cursor = new SpanCursor(extensions);
        while (cursor.Remaining >= 4)
        {
            cursor.TryReadUInt16(out var type);
            if (!cursor.TryReadVector(2, out var data))
            {
                return Status.NotTls;
            }

            if (type == ServerNameExtension)
            {
                serverName = HostName(data);
                return Status.Parsed;
            }
        }

        return Status.Parsed;
    }

    private static string? HostName(ReadOnlySpan<byte> extension)
    {
        var cursor = new SpanCursor(extension);
        if (!cursor.TryReadVector(2, out var list))
        {
            return null;
        }

        var names = new SpanCursor(list);
        while (names.TryReadByte(out var nameType) && names.TryReadVector(2, out var name))
        {
            if (nameType == HostNameType && name.Length is > 0 and <= MaxHostName && IsHostName(name))
            {
                return Encoding.ASCII.GetString(name).ToLowerInvariant();
            }
        }

        return null;
    }

    private static bool IsHostName(ReadOnlySpan<byte> name)
    {
        foreach (var b in name)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_'))
            {
                return false;
            }
        }

        return true;
    }

    private ref struct SpanCursor(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _data = data;

        public readonly int Remaining => _data.Length;

        public bool Skip(int count)
        {
            if (_data.Length < count)
            {
                return false;
            }

            _data = _data[count..];
            return true;
        }

        public bool SkipVector(int lengthBytes) => TryReadVector(lengthBytes, out _);

        public bool TryReadByte(out byte value)
        {
            value = 0;
            if (_data.Length < 1)
            {
                return false;
            }

            value = _data[0];
            _data = _data[1..];
            return true;
        }

        public bool TryReadUInt16(out ushort value)
        {
            value = 0;
            if (_data.Length < 2)
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt16BigEndian(_data);
            _data = _data[2..];
            return true;
        }

        public bool TryReadVector(int lengthBytes, out ReadOnlySpan<byte> vector)
        {
            vector = default;
            int length;
            if (lengthBytes == 1)
            {
                if (!TryReadByte(out var b))
                {
                    return false;
                }

                length = b;
            }
            else
            {
                if (!TryReadUInt16(out var s))
                {
                    return false;
                }

                length = s;
            }

            if (_data.Length < length)
            {
                return false;
            }

            vector = _data[..length];
            _data = _data[length..];
            return true;
        }
    }
}
