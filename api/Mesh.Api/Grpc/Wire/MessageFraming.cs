using System.Buffers;
using System.Buffers.Binary;

namespace Mesh.Api.Grpc;

/// <summary>
/// The gRPC length-prefixed message: 1 byte compressed flag, 4 bytes big-endian length, then the message.
/// Frames are independent of HTTP/2 DATA frames: one message may span many DATA frames and one DATA frame may
/// carry many messages, so parsing works on a <see cref="ReadOnlySequence{T}"/> of whatever has arrived.
/// </summary>
internal static class MessageFraming
{
    /// <summary>Writes the prefix and the serialized message straight into <paramref name="destination"/>.</summary>
    public static void WriteMessage<T>(IBufferWriter<byte> destination, Marshaller<T> marshaller, T message, int? maxMessageSize)
    {
        var size = marshaller.CalculateSize(message);
        if (size > maxMessageSize)
        {
            throw new RpcException(new Status(
                StatusCode.ResourceExhausted,
                $"Sending message exceeds the maximum configured message size ({size} > {maxMessageSize})."));
        }

        var prefix = destination.GetSpan(GrpcProtocol.MessagePrefixLength);
        prefix[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(prefix[1..], (uint)size);
        destination.Advance(GrpcProtocol.MessagePrefixLength);
        if (size > 0)
        {
            marshaller.Serialize(message, destination);
        }
    }

    /// <summary>
    /// Tries to take one whole message off the front of <paramref name="buffer"/>. Returns false when more bytes
    /// are needed; throws <see cref="RpcException"/> for a message over the limit or a compressed message
    /// (this implementation negotiates no compression, so the flag can only be a protocol error).
    /// </summary>
    public static bool TryReadMessage(
        ref ReadOnlySequence<byte> buffer,
        int? maxMessageSize,
        out ReadOnlySequence<byte> message)
    {
        message = default;
        if (buffer.Length < GrpcProtocol.MessagePrefixLength)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[GrpcProtocol.MessagePrefixLength];
        buffer.Slice(0, GrpcProtocol.MessagePrefixLength).CopyTo(prefix);
        var flag = prefix[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);
        if (flag == 1)
        {
            throw new RpcException(new Status(
                StatusCode.Internal,
                "Received a compressed message but no compression was negotiated (grpc-encoding is identity)."));
        }

        if (flag != 0)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"Invalid compressed flag {flag} in message prefix."));
        }

        if (length > (uint)(maxMessageSize ?? int.MaxValue))
        {
            throw new RpcException(new Status(
                StatusCode.ResourceExhausted,
                $"Received message exceeds the maximum configured message size ({length} > {maxMessageSize})."));
        }

        if (buffer.Length - GrpcProtocol.MessagePrefixLength < length)
        {
            return false;
        }

        message = buffer.Slice(GrpcProtocol.MessagePrefixLength, length);
        buffer = buffer.Slice(message.End);
        return true;
    }
}
