using System.Buffers;
using Mesh.Api.V1;
using Mesh.Operator.ConfigServer;

namespace Mesh.Operator.Delta;

/// <summary>
/// An incremental response's body: <see cref="WriteTo"/> writes ConfigResponse field 3's content (the changed
/// resources, from encodings shared with whole configs) and <see cref="DeltaField"/> is ConfigResponse field 4
/// (a ConfigDelta: base version, removed names, endpoint-only changes). Immutable; shared by every proxy that moves
/// between the same two configs.
/// </summary>
internal sealed class DeltaPayload : IProxyConfigPayload
{
    private readonly ReadOnlyMemory<byte>[] _segments;

    public DeltaPayload(ReadOnlyMemory<byte>[] segments, ReadOnlyMemory<byte> deltaField, int changedResources, int removedResources)
    {
        _segments = segments;
        Length = segments.Sum(s => s.Length);
        DeltaField = deltaField;
        ChangedResources = changedResources;
        RemovedResources = removedResources;
    }

    public int Length { get; }

    /// <summary>ConfigResponse field 4, tag and length included.</summary>
    public ReadOnlyMemory<byte> DeltaField { get; }

    public int ChangedResources { get; }

    public int RemovedResources { get; }

    public void WriteTo(IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        foreach (var segment in _segments)
        {
            destination.Write(segment.Span);
        }
    }

    /// <summary>The changed resources as a ProxyConfig (only for inspection; the stream writes the bytes).</summary>
    public ProxyConfig ToMessage()
    {
        var writer = new ArrayBufferWriter<byte>(Length);
        WriteTo(writer);
        return ProxyConfig.Parser.ParseFrom(writer.WrittenSpan);
    }
}
