using System.Buffers;
using Google.Protobuf;
using Mesh.Api.V1;

namespace Mesh.Operator.ConfigServer;

/// <summary>A payload that serializes a ProxyConfig message on every write; for configs built as messages.</summary>
internal sealed class MessagePayload(ProxyConfig config) : IProxyConfigPayload
{
    private readonly int _length = config.CalculateSize();

    public int Length => _length;

    public void WriteTo(IBufferWriter<byte> destination) => config.WriteTo(destination);

    public ProxyConfig ToMessage() => config;
}
