using System.IO.Pipelines;

namespace Mesh.Api.Grpc;

/// <summary>The request stream of a client-streaming or duplex call: framed messages into the open request body.</summary>
internal sealed class ClientRequestStreamWriter<TRequest, TResponse> : IClientStreamWriter<TRequest>
{
    private readonly GrpcCall<TRequest, TResponse> _call;
    private readonly Marshaller<TRequest> _marshaller;
    private readonly int? _maxMessageSize;
    private PipeWriter? _pipe;
    private PipeMessageWriter<TRequest>? _writer;
    private bool _completed;

    public ClientRequestStreamWriter(GrpcCall<TRequest, TResponse> call, Marshaller<TRequest> marshaller, int? maxMessageSize)
    {
        _call = call;
        _marshaller = marshaller;
        _maxMessageSize = maxMessageSize;
    }

    public Task WriteAsync(TRequest message, CancellationToken cancellationToken = default)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The request stream has already been completed.");
        }

        return _writer is null
            ? WriteFirstAsync(message, cancellationToken)
            : _call.WriteAsync(_writer, message, cancellationToken);
    }

    public async Task CompleteAsync()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        if (_pipe is not null)
        {
            await _pipe.CompleteAsync();
        }

        _call.RequestContent!.Complete();
    }

    private async Task WriteFirstAsync(TRequest message, CancellationToken cancellationToken)
    {
        Stream stream;
        try
        {
            stream = await _call.RequestStreamAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RpcException(_call.GetStatus());
        }

        _pipe = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        _writer = new PipeMessageWriter<TRequest>(_pipe, _marshaller, _maxMessageSize);
        await _call.WriteAsync(_writer, message, cancellationToken);
    }
}
