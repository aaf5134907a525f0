using System.Buffers;
using System.Security.Cryptography;
using Google.Protobuf;

namespace Mesh.Operator.Compiler;

/// <summary>SHA-256 of deterministic protobuf serializations (maps are inserted in sorted order by the compiler).</summary>
internal static class ContentHash
{
    public static byte[] Of(IMessage message) => SHA256.HashData(message.ToByteArray());

    /// <summary>The SHA-256 of the parts one after the other.</summary>
    public static byte[] Combine(IReadOnlyList<byte[]> parts)
    {
        // One hash call over a copy: an outbound part combines a thousand 32-byte hashes, and appending each to an
        // incremental hash (a native call apiece) cost more than assembling the proxy's config.
        var length = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            length += parts[i].Length;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        var offset = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            parts[i].CopyTo(buffer, offset);
            offset += parts[i].Length;
        }

        var hash = SHA256.HashData(buffer.AsSpan(0, length));
        ArrayPool<byte>.Shared.Return(buffer);
        return hash;
    }
}
