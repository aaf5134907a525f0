using System.Buffers;
using Mesh.Api.V1;

namespace Mesh.Operator.ConfigServer;

/// <summary>
/// A proxy's config in the form the stream sends it: the serialization of a ProxyConfig, written straight into the
/// transport's buffers. Implementations are immutable and may be shared by many proxies' pushes at once.
/// </summary>
public interface IProxyConfigPayload
{
    /// <summary>The exact number of bytes <see cref="WriteTo"/> writes.</summary>
    int Length { get; }

    void WriteTo(IBufferWriter<byte> destination);

    /// <summary>The config as a message, for what inspects it rather than sends it (<c>/debug/config</c>).</summary>
    ProxyConfig ToMessage();
}
