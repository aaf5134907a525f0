using System.Buffers;
using System.IO.Pipelines;

namespace Mesh.Api.Grpc;

/// <summary>
/// Reads length-prefixed messages from a <see cref="PipeReader"/> (a request body on the server, a response
/// body on the client). Messages are parsed from the pipe's pooled segments without copying.
/// </summary>
internal sealed class PipeMessageReader<T>
{
    private static readonly Task<bool> True = Task.FromResult(true);
    private static readonly Task<bool> False = Task.FromResult(false);

    private readonly PipeReader _reader;
    private readonly Marshaller<T> _marshaller;
    private readonly int? _maxMessageSize;
    private bool _completed;

    public PipeMessageReader(PipeReader reader, Marshaller<T> marshaller, int? maxMessageSize)
    {
        _reader = reader;
        _marshaller = marshaller;
        _maxMessageSize = maxMessageSize;
    }

    public T Current { get; private set; } = default!;

    /// <summary>Reads the next message; false at a clean end of stream (no partial message pending).</summary>
    public Task<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        if (_completed)
        {
            return False;
        }

        // Most messages are already buffered when a batch of DATA frames arrived together: no state machine then.
        if (_reader.TryRead(out var result))
        {
            if (TryConsume(result, out var hasMessage))
            {
                return hasMessage ? True : False;
            }
        }

        return MoveNextSlowAsync(cancellationToken);
    }

    private async Task<bool> MoveNextSlowAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken);
            if (result.IsCanceled)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            if (TryConsume(result, out var hasMessage))
            {
                return hasMessage;
            }
        }
    }

    /// <summary>
    /// Takes one message from <paramref name="result"/> if it holds one. Returns false (and marks the buffer as
    /// examined) when more data is needed.
    /// </summary>
    private bool TryConsume(ReadResult result, out bool hasMessage)
    {
        var buffer = result.Buffer;
        bool found;
        ReadOnlySequence<byte> payload;
        try
        {
            found = MessageFraming.TryReadMessage(ref buffer, _maxMessageSize, out payload);
        }
        catch
        {
            _reader.AdvanceTo(result.Buffer.Start);
            throw;
        }

        if (found)
        {
            try
            {
                Current = _marshaller.Deserialize(payload);
            }
            catch (Exception ex) when (ex is not RpcException)
            {
                throw new RpcException(new Status(StatusCode.Internal, "Failed to deserialize message."), new Metadata(), ex);
            }
            finally
            {
                _reader.AdvanceTo(buffer.Start);
            }

            hasMessage = true;
            return true;
        }

        if (result.IsCompleted)
        {
            _reader.AdvanceTo(buffer.End);
            if (!buffer.IsEmpty)
            {
                throw new RpcException(new Status(
                    StatusCode.Internal,
                    $"Incomplete message: the stream ended with {buffer.Length} bytes of a partial message."));
            }

            _completed = true;
            hasMessage = false;
            return true;
        }

        _reader.AdvanceTo(buffer.Start, buffer.End);
        hasMessage = false;
        return false;
    }
}
