using System.IO.Pipelines;

namespace Mesh.Api.Grpc;

/// <summary>
/// Writes length-prefixed messages into a <see cref="PipeWriter"/>, serializing straight into the pipe's pooled
/// memory and flushing per message so that the reading side (the batching pump) sees every message at once.
/// </summary>
internal sealed class PipeMessageWriter<T>
{
    private readonly PipeWriter _writer;
    private readonly Marshaller<T> _marshaller;
    private readonly int? _maxMessageSize;
    private int _writing;

    public PipeMessageWriter(PipeWriter writer, Marshaller<T> marshaller, int? maxMessageSize)
    {
        _writer = writer;
        _marshaller = marshaller;
        _maxMessageSize = maxMessageSize;
    }

    /// <summary>Frames <paramref name="message"/> and flushes it. Overlapping writes throw.</summary>
    public Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _writing, 1) == 1)
        {
            throw new InvalidOperationException("A previous write is still in progress; await each write before the next.");
        }

        ValueTask<FlushResult> flush;
        try
        {
            MessageFraming.WriteMessage(_writer, _marshaller, message, _maxMessageSize);
            flush = _writer.FlushAsync(cancellationToken);
        }
        catch
        {
            Volatile.Write(ref _writing, 0);
            throw;
        }

        if (flush.IsCompletedSuccessfully)
        {
            Volatile.Write(ref _writing, 0);
            return CheckFlush(flush.Result, cancellationToken) ? Task.CompletedTask : Task.FromException(StreamClosed());
        }

        return AwaitFlushAsync(flush, cancellationToken);
    }

    private async Task AwaitFlushAsync(ValueTask<FlushResult> flush, CancellationToken cancellationToken)
    {
        try
        {
            if (!CheckFlush(await flush, cancellationToken))
            {
                throw StreamClosed();
            }
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    private static bool CheckFlush(FlushResult result, CancellationToken cancellationToken)
    {
        if (result.IsCanceled)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        return !result.IsCompleted;
    }

    private static InvalidOperationException StreamClosed() => new("The stream was closed by the peer.");
}
