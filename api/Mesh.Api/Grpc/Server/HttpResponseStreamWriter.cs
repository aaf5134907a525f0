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
        _stream ??= new BatchingMessageWriter<T>(_marshaller, _maxMessageSize, WriteBatchAsync, _context.CancellationToken);

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

    private async ValueTask WriteBatchAsync(ReadOnlySequence<byte> batch, CancellationToken cancellationToken)
    {
        foreach (var segment in batch)
        {
            _body.Write(segment.Span);
        }

        var result = await _body.FlushAsync(cancellationToken);
        if (result.IsCanceled || result.IsCompleted)
        {
            throw new OperationCanceledException("The response stream was closed.");
        }
    }
}
