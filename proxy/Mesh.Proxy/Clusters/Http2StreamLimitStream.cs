using System.Buffers;
using System.Runtime.CompilerServices;

namespace Mesh.Proxy.Clusters;

/// <summary>
/// An upstream HTTP/2 connection on which the client may open at most a given number of concurrent streams
/// (Istio's connectionPool.http.maxConcurrentStreams): the server's SETTINGS frames reach the client with
/// SETTINGS_MAX_CONCURRENT_STREAMS lowered to the limit (<see cref="Http2SettingsRewriter"/>), and
/// <c>SocketsHttpHandler</c>, which keeps to the limit a server announces, opens a further connection beyond it.
/// </summary>
/// <remarks>
/// Until the server's first SETTINGS frame is processed, <c>SocketsHttpHandler</c> allows 100 streams on a new
/// connection, so a burst of requests would overrun the limit. <see cref="ReadServerPrefaceAsync"/> therefore sends
/// a client preface and reads the server's SETTINGS before the handler gets the connection; the handler then reads
/// that frame synchronously while setting the connection up, before any request can use it. It costs one round trip
/// per new connection, and only connections with a limit.
/// <para>
/// The preface is whole, the magic and an empty SETTINGS frame (RFC 9113 §3.4), because a server may wait for both
/// before it sends its own. The handler's SETTINGS follows as a second SETTINGS frame, which is legal; the server's
/// ACK of the first is hidden from the handler, which takes a second ACK as a protocol error.
/// </para>
/// </remarks>
internal sealed class Http2StreamLimitStream : Stream
{
    // The magic, then an empty SETTINGS frame: payload length 0, type 0x4, no flags, stream 0.
    private static readonly byte[] ClientPreface = [.. Magic, 0, 0, 0, 0x4, 0, 0, 0, 0, 0];

    private readonly Stream _inner;
    private readonly Http2SettingsRewriter _rewriter;
    private readonly ArrayBufferWriter<byte> _pending = new(64);
    private int _pendingRead;
    private int _prefaceToDrop;

    public Http2StreamLimitStream(Stream inner, uint limit)
    {
        _inner = inner;
        _rewriter = new Http2SettingsRewriter(limit);
    }

    public override bool CanRead => true;

    private static ReadOnlySpan<byte> Magic => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Sends the client preface and reads on until the server's first frame has been through the rewriter.</summary>
    public async ValueTask ReadServerPrefaceAsync(CancellationToken cancellationToken)
    {
        _rewriter.HideAckOfOwnSettings();
        await _inner.WriteAsync(ClientPreface, cancellationToken);

        // The handler writes the magic itself as the start of its first write; the server must see it once.
        _prefaceToDrop = Magic.Length;
        var scratch = ArrayPool<byte>.Shared.Rent(256);
        try
        {
            while (!_rewriter.FirstFrameDone)
            {
                var read = await _inner.ReadAsync(scratch, cancellationToken);
                if (read == 0)
                {
                    // The client sees the connection end where the server ended it.
                    return;
                }

                _rewriter.Rewrite(scratch.AsSpan(0, read), _pending);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_pending.WrittenCount > _pendingRead)
        {
            // Also for a zero-byte read: data is available.
            return new(DeliverPending(buffer.Span));
        }

        if (buffer.IsEmpty)
        {
            return _inner.ReadAsync(buffer, cancellationToken);
        }

        // The handler reads after a zero-byte read has said data is there, so this read usually completes at once and,
        // holding no SETTINGS frame, goes to the handler as it is: no state machine, nothing allocated.
        var read = _inner.ReadAsync(buffer, cancellationToken);
        if (read.IsCompletedSuccessfully)
        {
            if (TryFilter(buffer.Span, read.Result, out var count))
            {
                return new(count);
            }

            read = _inner.ReadAsync(buffer, cancellationToken);
        }

        return FilterAsync(read, buffer, cancellationToken);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_prefaceToDrop > 0)
        {
            var drop = Math.Min(_prefaceToDrop, buffer.Length);
            _prefaceToDrop -= drop;
            buffer = buffer[drop..];
            if (buffer.IsEmpty)
            {
                return ValueTask.CompletedTask;
            }
        }

        return _inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override void Flush() => _inner.Flush();

    // SocketsHttpHandler drives HTTP/2 connections with asynchronous calls only; a blocking call would be a bug.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>What the handler gets of <paramref name="read"/> bytes just read; false when nothing yet.</summary>
    private bool TryFilter(Span<byte> buffer, int read, out int count)
    {
        if (read == 0 || _rewriter.TryPassThrough(buffer[..read]))
        {
            count = read;
            return true;
        }

        _rewriter.Rewrite(buffer[..read], _pending);

        // Nothing when all of it was the start of a frame header or of a SETTINGS frame.
        count = _pending.WrittenCount > 0 ? DeliverPending(buffer) : 0;
        return count > 0;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> FilterAsync(ValueTask<int> read, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var bytes = await read;
            if (TryFilter(buffer.Span, bytes, out var count))
            {
                return count;
            }

            read = _inner.ReadAsync(buffer, cancellationToken);
        }
    }

    private int DeliverPending(Span<byte> buffer)
    {
        var pending = _pending.WrittenSpan[_pendingRead..];
        var count = Math.Min(pending.Length, buffer.Length);
        pending[..count].CopyTo(buffer);
        _pendingRead += count;
        if (_pendingRead == _pending.WrittenCount)
        {
            _pending.ResetWrittenCount();
            _pendingRead = 0;
        }

        return count;
    }
}
