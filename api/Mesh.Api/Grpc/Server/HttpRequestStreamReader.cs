namespace Mesh.Api.Grpc;

/// <summary>The request messages of a call, read from the HTTP/2 request body.</summary>
internal sealed class HttpRequestStreamReader<T> : IAsyncStreamReader<T>
{
    private readonly PipeMessageReader<T> _reader;
    private readonly HttpServerCallContext _context;

    public HttpRequestStreamReader(PipeMessageReader<T> reader, HttpServerCallContext context)
    {
        _reader = reader;
        _context = context;
    }

    public T Current => _reader.Current;

    public Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (_context.Ended)
        {
            return Task.FromException<bool>(new InvalidOperationException("The call has ended; its request stream can no longer be read."));
        }

        var callToken = _context.CancellationToken;
        if (!cancellationToken.CanBeCanceled || cancellationToken == callToken)
        {
            return _reader.MoveNextAsync(callToken);
        }

        return MoveNextLinkedAsync(cancellationToken, callToken);
    }

    /// <summary>Reads exactly one message: a unary or server-streaming request.</summary>
    public async Task<T> ReadSingleAsync()
    {
        if (!await _reader.MoveNextAsync(_context.CancellationToken))
        {
            throw new RpcException(new Status(StatusCode.Internal, "The request stream ended without a message."));
        }

        var message = _reader.Current;
        if (await _reader.MoveNextAsync(_context.CancellationToken))
        {
            throw new RpcException(new Status(StatusCode.Internal, "More than one request message for a single-request method."));
        }

        return message;
    }

    private async Task<bool> MoveNextLinkedAsync(CancellationToken cancellationToken, CancellationToken callToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, callToken);
        return await _reader.MoveNextAsync(linked.Token);
    }
}
