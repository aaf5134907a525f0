using System.Buffers;

namespace Mesh.Api.Grpc;

/// <summary>
/// Turns messages into bytes and back. Serialization writes straight into the transport's pooled buffers, so
/// the marshaller must know the serialized size up front (the gRPC length prefix precedes the message).
/// </summary>
public sealed class Marshaller<T>
{
    private readonly Func<T, int> _calculateSize;
    private readonly Action<T, IBufferWriter<byte>> _serialize;
    private readonly Func<ReadOnlySequence<byte>, T> _deserialize;

    public Marshaller(
        Func<T, int> calculateSize,
        Action<T, IBufferWriter<byte>> serialize,
        Func<ReadOnlySequence<byte>, T> deserialize)
    {
        ArgumentNullException.ThrowIfNull(calculateSize);
        ArgumentNullException.ThrowIfNull(serialize);
        ArgumentNullException.ThrowIfNull(deserialize);
        _calculateSize = calculateSize;
        _serialize = serialize;
        _deserialize = deserialize;
    }

    /// <summary>The exact number of bytes <see cref="Serialize"/> will write for <paramref name="message"/>.</summary>
    public int CalculateSize(T message) => _calculateSize(message);

    public void Serialize(T message, IBufferWriter<byte> destination) => _serialize(message, destination);

    public T Deserialize(ReadOnlySequence<byte> payload) => _deserialize(payload);
}
