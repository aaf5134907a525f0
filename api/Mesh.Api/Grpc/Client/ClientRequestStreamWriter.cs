using System.Buffers;

namespace Mesh.Api.Grpc;

/// <summary>
/// The request stream of a client-streaming or duplex call: messages are batched (see
/// <see cref="BatchingMessageWriter{T}"/>) into the HTTP/2 request stream, so a <c>WriteAsync</c> completes
/// once the message is queued.
/// </summary>
internal sealed class ClientRequestStreamWriter<TRequest, TResponse> : IClientStreamWriter<TRequest>
{
    private readonly GrpcCall<TRequest, TResponse> _call;
    private readonly BatchingMessageWriter<TRequest> _writer;
    private Stream? _stream;
    private bool _completed;

    public ClientRequestStreamWriter(GrpcCall<TRequest, TResponse> call, Marshaller<TRequest> marshaller, int? maxMessageSize)
    {
        _call = call;
        _writer = new BatchingMessageWriter<TRequest>(marshaller, maxMessageSize, WriteBatchAsync, CancellationToken.None);
    }

    public Task WriteAsync(TRequest message, CancellationToken cancellationToken = default)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The request stream has already been completed.");
        }

        return _call.WriteAsync(_writer, message, cancellationToken);
    }

    public async Task CompleteAsync()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        await _writer.CompleteAsync();
        _call.RequestContent!.Complete();
    }

    private async ValueTask WriteBatchAsync(ReadOnlySequence<byte> batch, CancellationToken cancellationToken)
    {
        // HttpClient hands over the request stream once the headers are sent; writes queue until then.
        var stream = _stream ??= await _call.RequestStreamAsync();
        foreach (var segment in batch)
        {
            await stream.WriteAsync(segment, cancellationToken);
        }

        await stream.FlushAsync(cancellationToken);
    }
}
