using System.Buffers;
using System.IO.Pipelines;

namespace Mesh.Api.Grpc;

/// <summary>
/// Writes a stream of messages through a bounded in-memory pipe: callers frame messages into pooled memory and
/// continue, and a pump hands whatever has accumulated to the transport as one batch with one flush. A lone
/// message is flushed at once; when the caller is ahead of the transport, messages share a flush instead of
/// each paying for one. The pipe's pause threshold is the backpressure: a write waits only while that much is
/// still unsent.
/// </summary>
internal sealed class BatchingMessageWriter<T>
{
    private const long PauseWriterThreshold = 256 * 1024;

    /// <summary>
    /// The default size of the pipe's pooled segments: large ones keep a batch in few pieces (each piece is one
    /// transport write).
    /// </summary>
    public const int DefaultSegmentSize = 16 * 1024;

    private readonly Pipe _pipe;
    private readonly PipeMessageWriter<T> _writer;
    private readonly Func<ReadOnlySequence<byte>, CancellationToken, ValueTask> _writeBatch;
    private readonly CancellationToken _cancellationToken;
    private Task? _pump;

    /// <param name="writeBatch">Writes and flushes one batch to the transport.</param>
    /// <param name="cancellationToken">Ends the pump (the call's token).</param>
    /// <param name="segmentSize">The pipe's minimum segment size. The pipe keeps as many segment objects pooled as a
    /// batch ever took, for the writer's lifetime.</param>
    public BatchingMessageWriter(
        Marshaller<T> marshaller,
        int? maxMessageSize,
        Func<ReadOnlySequence<byte>, CancellationToken, ValueTask> writeBatch,
        CancellationToken cancellationToken,
        int segmentSize = DefaultSegmentSize)
    {
        _pipe = new Pipe(new PipeOptions(
            pauseWriterThreshold: PauseWriterThreshold,
            resumeWriterThreshold: PauseWriterThreshold / 2,
            minimumSegmentSize: segmentSize,
            useSynchronizationContext: false));
        _writer = new PipeMessageWriter<T>(_pipe.Writer, marshaller, maxMessageSize);
        _writeBatch = writeBatch;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Queues <paramref name="message"/>; throws once the transport has failed.</summary>
    public Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        _pump ??= PumpAsync();
        return _writer.WriteAsync(message, cancellationToken);
    }

    /// <summary>Sends everything queued and stops the pump. Never throws for a failed transport.</summary>
    public async Task CompleteAsync()
    {
        await _pipe.Writer.CompleteAsync();
        if (_pump is not null)
        {
            await _pump;
        }
    }

    private async Task PumpAsync()
    {
        var reader = _pipe.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_cancellationToken);
                var buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    await _writeBatch(buffer, _cancellationToken);
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
            // The transport is gone (peer reset, disconnect, deadline): the next write sees a completed pipe.
            await reader.CompleteAsync(ex);
        }
    }
}
