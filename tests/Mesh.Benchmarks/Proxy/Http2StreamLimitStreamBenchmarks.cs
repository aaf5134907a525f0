using BenchmarkDotNet.Attributes;
using Mesh.Proxy.Clusters;

namespace Mesh.Benchmarks.Proxy;

/// <summary>
/// What connectionPool.http.maxConcurrentStreams costs a connection's reads: 256 KiB of DATA frames read as
/// SocketsHttpHandler reads (16,393-byte buffers) straight from the connection, and through
/// <see cref="Http2StreamLimitStream"/> after its preface. The server here never acknowledges the wrapper's SETTINGS,
/// so every frame header is also checked for that ACK: the most the read path does per frame.
/// </summary>
[MemoryDiagnoser]
public class Http2StreamLimitStreamBenchmarks
{
    private const int Bytes = 256 * 1024;
    private readonly byte[] _buffer = new byte[9 + 16_384];
    private RepeatingConnection _connection = null!;
    private Http2StreamLimitStream _limited = null!;

    /// <summary>Payload bytes per DATA frame: full frames of a download, and small frames of a chatty stream.</summary>
    [Params(16_384, 128)]
    public int FramePayload { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var frame = new byte[9 + FramePayload];
        frame[0] = (byte)(FramePayload >> 16);
        frame[1] = (byte)(FramePayload >> 8);
        frame[2] = (byte)FramePayload;
        frame[8] = 1;
        _connection = new RepeatingConnection(frame);
        _limited = new Http2StreamLimitStream(_connection, 2);
        _limited.ReadServerPrefaceAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public Task<int> Direct() => ReadAsync(_connection);

    [Benchmark]
    public Task<int> ThroughStreamLimit() => ReadAsync(_limited);

    private async Task<int> ReadAsync(Stream stream)
    {
        var total = 0;
        while (total < Bytes)
        {
            total += await stream.ReadAsync(_buffer);
        }

        return total;
    }

    /// <summary>A connection whose reads complete at once with one frame repeated for ever; writes go nowhere.</summary>
    private sealed class RepeatingConnection(byte[] frame) : Stream
    {
        private int _offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var span = buffer.Span;
            var count = 0;
            while (count < span.Length)
            {
                var take = Math.Min(frame.Length - _offset, span.Length - count);
                frame.AsSpan(_offset, take).CopyTo(span[count..]);
                count += take;
                _offset = (_offset + take) % frame.Length;
            }

            return ValueTask.FromResult(count);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
