using System.Security.Cryptography;
using Google.Protobuf;

namespace Mesh.Operator.Compiler;

/// <summary>SHA-256 of deterministic protobuf serializations (maps are inserted in sorted order by the compiler).</summary>
internal static class ContentHash
{
    public static byte[] Of(IMessage message) => SHA256.HashData(message.ToByteArray());

    /// <summary>The hash of the messages' serializations one after the other, without materializing them.</summary>
    public static byte[] OfAll(IEnumerable<IMessage> messages)
    {
        using var sink = new HashingStream();
        using (var output = new CodedOutputStream(sink, leaveOpen: true))
        {
            foreach (var message in messages)
            {
                output.WriteMessage(message);
            }
        }

        return sink.Hash.GetHashAndReset();
    }

    public static byte[] Combine(IEnumerable<byte[]> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            hash.AppendData(part);
        }

        return hash.GetHashAndReset();
    }

    // A write-only stream that feeds SHA-256.
    private sealed class HashingStream : Stream
    {
        public IncrementalHash Hash { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Hash.AppendData(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => Hash.AppendData(buffer);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
