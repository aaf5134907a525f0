using System.Security.Cryptography;
using Google.Protobuf;

namespace Mesh.Operator.Compiler;

/// <summary>SHA-256 of deterministic protobuf serializations (maps are inserted in sorted order by the compiler).</summary>
internal static class ContentHash
{
    public static byte[] Of(IMessage message) => SHA256.HashData(message.ToByteArray());

    public static byte[] Combine(IEnumerable<byte[]> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            hash.AppendData(part);
        }

        return hash.GetHashAndReset();
    }
}
