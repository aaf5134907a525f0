using System.Buffers.Binary;
using Mesh.Proxy.Clusters;

namespace Mesh.Proxy.Tests.Clusters;

/// <summary>HTTP/2 frames for tests (RFC 9113 §4.1), and a connection whose reads come in chosen chunks.</summary>
internal static class Http2Frames
{
    public const byte Data = 0x0;
    public const byte Headers = 0x1;
    public const byte Settings = 0x4;
    public const byte Ping = 0x6;
    public const byte GoAway = 0x7;
    public const byte WindowUpdate = 0x8;
    public const byte Ack = 0x1;
    public const ushort MaxConcurrentStreams = 0x3;

    public static byte[] Frame(byte type, byte flags, uint streamId, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(5), streamId & 0x7FFFFFFF);
        payload.CopyTo(frame, 9);
        return frame;
    }

    public static byte[] SettingsFrame(params (ushort Id, uint Value)[] parameters)
    {
        var payload = new byte[parameters.Length * 6];
        for (var i = 0; i < parameters.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(i * 6), parameters[i].Id);
            BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan((i * 6) + 2), parameters[i].Value);
        }

        return Frame(Settings, 0, 0, payload);
    }

    /// <summary>Reads everything <paramref name="chunks"/> hold through a limit, with reads of <paramref name="readSize"/> bytes.</summary>
    public static async Task<byte[]> ReadThroughAsync(uint limit, IEnumerable<byte[]> chunks, Func<int>? readSize = null)
    {
        await using var limited = new Http2StreamLimitStream(new ChunkedConnection(chunks), limit);
        return await ReadToEndAsync(limited, readSize);
    }

    /// <summary>Reads <paramref name="limited"/> to its end with reads of <paramref name="readSize"/> bytes.</summary>
    public static async Task<byte[]> ReadToEndAsync(Http2StreamLimitStream limited, Func<int>? readSize = null)
    {
        using var output = new MemoryStream();
        while (true)
        {
            var buffer = new byte[readSize?.Invoke() ?? 4096];
            var read = await limited.ReadAsync(buffer);
            if (read == 0)
            {
                return output.ToArray();
            }

            output.Write(buffer, 0, read);
        }
    }

    /// <summary>A connection whose reads return the given chunks in order (less when the reader's buffer is smaller), then end.</summary>
    internal sealed class ChunkedConnection(IEnumerable<byte[]> chunks) : Stream
    {
        private readonly Queue<byte[]> _chunks = new(chunks);
        private byte[] _current = [];
        private int _offset;

        public MemoryStream Written { get; } = new();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.IsEmpty)
            {
                return ValueTask.FromResult(0);
            }

            while (_offset == _current.Length)
            {
                if (!_chunks.TryDequeue(out var next))
                {
                    return ValueTask.FromResult(0);
                }

                (_current, _offset) = (next, 0);
            }

            var count = Math.Min(buffer.Length, _current.Length - _offset);
            _current.AsSpan(_offset, count).CopyTo(buffer.Span);
            _offset += count;
            return ValueTask.FromResult(count);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
