namespace Mesh.Api.Grpc;

/// <summary>The response messages of a call, written to the HTTP/2 response body.</summary>
internal sealed class HttpResponseStreamWriter<T> : IServerStreamWriter<T>
{
    private readonly PipeMessageWriter<T> _writer;
    private readonly HttpServerCallContext _context;
    private bool _ended;

    public HttpResponseStreamWriter(PipeMessageWriter<T> writer, HttpServerCallContext context)
    {
        _writer = writer;
        _context = context;
    }

    public Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        if (_ended)
        {
            throw new InvalidOperationException("The call has ended; no more responses can be written.");
        }

        // A write is bounded by the call (client abort or deadline); the handler cancels the call, not a write.
        HasWritten = true;
        return _writer.WriteAsync(message, _context.CancellationToken);
    }

    /// <summary>
    /// True once a message went into the body, flushed or not: the status must then go in trailers, as the
    /// response can no longer be Trailers-Only.
    /// </summary>
    public bool HasWritten { get; private set; }

    /// <summary>Writes the single response of a unary or client-streaming call; the trailers flush it.</summary>
    public void WriteFinal(T message)
    {
        HasWritten = true;
        _writer.WriteWithoutFlush(message);
    }

    /// <summary>Rejects writes from a handler that kept the writer past the end of its call.</summary>
    public void End() => _ended = true;
}
