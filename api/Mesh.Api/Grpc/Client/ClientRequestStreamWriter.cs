using System.IO.Pipelines;

namespace Mesh.Api.Grpc;

/// <summary>
/// The request stream of a client-streaming or duplex call. Messages are framed into a bounded in-memory pipe
/// and a pump moves whatever has accumulated to the HTTP/2 request stream with one write and one flush: when
/// the caller writes faster than the connection drains, messages are batched instead of paying a flush (and
/// a hop to the connection's writer) each. The pipe's pause threshold is the backpressure: a write waits
/// only when that much is still unsent.
/// </summary>
internal sealed class ClientRequestStreamWriter<TRequest, TResponse> : IClientStreamWriter<TRequest>
{
    private const long PauseWriterThreshold = 256 * 1024;

    // Larger pooled segments mean fewer stream writes per batch (the HTTP/2 stream copies each into a frame).
    private const int MinimumSegmentSize = 16 * 1024;

    private readonly GrpcCall<TRequest, TResponse> _call;
    private readonly Pipe _pipe;
    private readonly PipeMessageWriter<TRequest> _writer;
    private readonly Task _pump;
    private bool _completed;

    public ClientRequestStreamWriter(GrpcCall<TRequest, TResponse> call, Marshaller<TRequest> marshaller, int? maxMessageSize)
    {
        _call = call;
        _pipe = new Pipe(new PipeOptions(
            pauseWriterThreshold: PauseWriterThreshold,
            resumeWriterThreshold: PauseWriterThreshold / 2,
            minimumSegmentSize: MinimumSegmentSize,
            useSynchronizationContext: false));
        _writer = new PipeMessageWriter<TRequest>(_pipe.Writer, marshaller, maxMessageSize);
        _pump = PumpAsync();
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
        await _pipe.Writer.CompleteAsync();
        await _pump;
        _call.RequestContent!.Complete();
    }

    private async Task PumpAsync()
    {
        var reader = _pipe.Reader;
        try
        {
            var stream = await _call.RequestStreamAsync();
            while (true)
            {
                var result = await reader.ReadAsync();
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                {
                    await stream.WriteAsync(segment);
                }

                if (!buffer.IsEmpty)
                {
                    await stream.FlushAsync();
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            await reader.CompleteAsync();
        }
        catch (Exception ex)
        {
            // The request stream is gone (call ended, reset or cancelled): later writes see a completed pipe and
            // report the call's status.
            await reader.CompleteAsync(ex);
        }
    }
}
