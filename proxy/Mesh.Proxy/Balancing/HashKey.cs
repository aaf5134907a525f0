using System.Runtime.InteropServices;

namespace Mesh.Proxy.Balancing;

/// <summary>64-bit FNV-1a with a murmur3 finalizer: cheap, allocation-free, and well spread for a hash ring.</summary>
internal static class HashKey
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Of(ReadOnlySpan<char> text) => Of(MemoryMarshal.AsBytes(text));

    public static ulong Of(ReadOnlySpan<byte> bytes)
    {
        var hash = Offset;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * Prime;
        }

        return Mix(hash);
    }

    private static ulong Mix(ulong h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }
}
