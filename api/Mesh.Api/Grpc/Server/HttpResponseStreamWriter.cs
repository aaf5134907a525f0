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

        // The handler's token is ignored beyond the call's own: a write is cancelled by the call, not half-done.
        return _writer.WriteAsync(message, _context.CancellationToken);
    }

    /// <summary>Writes the single response of a unary or client-streaming call; the trailers flush it.</summary>
    public void WriteFinal(T message) => _writer.WriteWithoutFlush(message);

    /// <summary>Rejects writes from a handler that kept the writer past the end of its call.</summary>
    public void End() => _ended = true;
}
