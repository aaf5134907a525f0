using System.Security.Cryptography;

namespace Mesh.Operator.Delta;

/// <summary>A resource's version: the SHA-256 of its encoding. Equal versions mean equal bytes on the wire.</summary>
internal static class ResourceVersion
{
    public static byte[] Of(ReadOnlySpan<byte> encoding) => SHA256.HashData(encoding);

    public static bool Same(byte[]? a, byte[]? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.AsSpan().SequenceEqual(b));
}
