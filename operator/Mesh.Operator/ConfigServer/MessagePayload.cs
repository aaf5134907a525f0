using System.Buffers;
using Google.Protobuf;
using Mesh.Api.V1;
using Mesh.Operator.Delta;

namespace Mesh.Operator.ConfigServer;

/// <summary>A payload that serializes a ProxyConfig message on every write; for configs built as messages.</summary>
internal sealed class MessagePayload(ProxyConfig config, string version = "") : IIncrementalPayload
{
    private readonly int _length = config.CalculateSize();
    private ProxyResources? _resources;

    public int Length => _length;

    public ProxyResources Resources => LazyInitializer.EnsureInitialized(ref _resources, () => ProxyResources.FromMessage(version, config));

    public void WriteTo(IBufferWriter<byte> destination) => config.WriteTo(destination);

    public ProxyConfig ToMessage() => config;
}
