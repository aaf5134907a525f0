using System.IO.Hashing;

namespace Mesh.Operator.Delta;

/// <summary>
/// A resource's version: the 128-bit XXH3 hash of its encoding. Equal versions mean equal bytes on the wire. Versions
/// never leave the operator: they compare a resource of one compile with the same resource of the next, for which a
/// 128-bit hash is as good as a cryptographic one, and it is computed in managed code: SHA-256 from OpenSSL, two calls
/// per cluster for thousands of clusters, was the largest cost the deltas added to a compile.
/// </summary>
internal static class ResourceVersion
{
    public static byte[] Of(ReadOnlySpan<byte> encoding) => XxHash128.Hash(encoding);

    public static bool Same(byte[]? a, byte[]? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.AsSpan().SequenceEqual(b));
}
