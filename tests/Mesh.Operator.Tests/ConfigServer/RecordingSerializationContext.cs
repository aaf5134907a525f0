using System.Buffers;
using Grpc.Core;

namespace Mesh.Operator.Tests.ConfigServer;

/// <summary>
/// A gRPC serialization context that records what a marshaller did. Like Grpc.AspNetCore's, it gives out the
/// transport's buffer only once the payload length is known; asking earlier is what forces an intermediate copy of
/// the whole message, so it fails here.
/// </summary>
internal sealed class RecordingSerializationContext : SerializationContext
{
    public int? DeclaredLength { get; private set; }

    public bool Completed { get; private set; }

    public ArrayBufferWriter<byte> Written { get; } = new();

    /// <summary>The size hints of every buffer the marshaller asked the transport for.</summary>
    public List<int> BufferRequests { get; } = [];

    public override void SetPayloadLength(int payloadLength) => DeclaredLength = payloadLength;

    public override IBufferWriter<byte> GetBufferWriter() => DeclaredLength is null
        ? throw new InvalidOperationException("the buffer writer was asked for before the payload length was declared")
        : new Recorder(this);

    public override void Complete() => Completed = true;

    private sealed class Recorder(RecordingSerializationContext context) : IBufferWriter<byte>
    {
        public void Advance(int count) => context.Written.Advance(count);

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            context.BufferRequests.Add(sizeHint);
            return context.Written.GetMemory(sizeHint);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            context.BufferRequests.Add(sizeHint);
            return context.Written.GetSpan(sizeHint);
        }
    }
}
