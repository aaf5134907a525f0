using System.Buffers;
using System.IO.Pipelines;

namespace Mesh.Api.Grpc;

/// <summary>
/// The response messages of a call, written to the HTTP/2 response body: streamed responses go through a
/// <see cref="BatchingMessageWriter{T}"/> (a flush per message unless the handler is ahead of the client),
/// the single response of a unary or client-streaming call goes straight into the body.
/// </summary>
internal sealed class HttpResponseStreamWriter<T> : IServerStreamWriter<T>
{
    private readonly PipeWriter _body;
    private readonly Marshaller<T> _marshaller;
    private readonly int? _maxMessageSize;
    private readonly HttpServerCallContext _context;
    private BatchingMessageWriter<T>? _stream;
    private bool _ended;

    public HttpResponseStreamWriter(PipeWriter body, Marshaller<T> marshaller, int? maxMessageSize, HttpServerCallContext context)
    {
        _body = body;
        _marshaller = marshaller;
        _maxMessageSize = maxMessageSize;
        _context = context;
    }

    /// <summary>
    /// True once a message went into the body, flushed or not: the status must then go in trailers, as the
    /// response can no longer be Trailers-Only.
    /// </summary>
    public bool HasWritten { get; private set; }

    public Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        if (_ended)
        {
            throw new InvalidOperationException("The call has ended; no more responses can be written.");
        }

        HasWritten = true;
        _stream ??= new BatchingMessageWriter<T>(_marshaller, _maxMessageSize, WriteBatchAsync, _context.CancellationToken, ResponseSegmentSize);

        // A write is bounded by the call (client abort or deadline); the handler cancels the call, not a write.
        return _stream.WriteAsync(message, _context.CancellationToken);
    }

    /// <summary>Writes the single response of a unary or client-streaming call; the trailers flush it.</summary>
    public void WriteFinal(T message)
    {
        HasWritten = true;
        MessageFraming.WriteMessage(_body, _marshaller, message, _maxMessageSize);
    }

    /// <summary>Sends the streamed responses still queued, then rejects further writes.</summary>
    public async Task EndAsync()
    {
        _ended = true;
        if (_stream is not null)
        {
            await _stream.CompleteAsync();
        }
    }

    // Servers stream large messages (a proxy's config, 1.3 MB) on many long-lived calls: 64 KB segments keep the
    // segments each call's pipe pools to ~20 per MB instead of ~80 (16 MB of the operator's heap with 2,000 calls).
    private const int ResponseSegmentSize = 64 * 1024;

    // Flushes at least this often within a batch. Kestrel's per-stream pipe holds whatever was written before a
    // flush, and keeps that many segments pooled for the stream's lifetime: a 1.3 MB config written in one go left
    // ~300 pooled segments on each of 2,000 config streams (65 MB of the operator's heap). The client's flow-control
    // window paces the stream anyway, so flushing in steps costs no throughput.
    private const int FlushInterval = 64 * 1024;

    private async ValueTask WriteBatchAsync(ReadOnlySequence<byte> batch, CancellationToken cancellationToken)
    {
        var unflushed = 0;
        foreach (var segment in batch)
        {
            var rest = segment;
            while (!rest.IsEmpty)
            {
                var length = Math.Min(rest.Length, FlushInterval - unflushed);
                _body.Write(rest.Span[..length]);
                rest = rest[length..];
                unflushed += length;
                if (unflushed == FlushInterval)
                {
                    await FlushAsync(cancellationToken);
                    unflushed = 0;
                }
            }
        }

        if (unflushed > 0)
        {
            await FlushAsync(cancellationToken);
        }
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var result = await _body.FlushAsync(cancellationToken);
        if (result.IsCanceled || result.IsCompleted)
        {
            throw new OperationCanceledException("The response stream was closed.");
        }
    }
}
