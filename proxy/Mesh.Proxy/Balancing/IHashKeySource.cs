using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Balancing;

/// <summary>Where a consistent-hash key comes from: a header, a cookie or the client's address.</summary>
internal interface IHashKeySource
{
    bool TryGetHash(HttpContext context, out ulong hash);
}

internal sealed class HeaderHashKeySource(string name) : IHashKeySource
{
    public bool TryGetHash(HttpContext context, out ulong hash)
    {
        var values = context.Request.Headers[name];
        hash = values.Count > 0 && values[0] is { Length: > 0 } value ? HashKey.Of(value) : 0;
        return values.Count > 0;
    }
}

internal sealed class CookieHashKeySource(string name) : IHashKeySource
{
    public bool TryGetHash(HttpContext context, out ulong hash)
    {
        var found = context.Request.Cookies.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value);
        hash = found ? HashKey.Of(value) : 0;
        return found;
    }
}

internal sealed class SourceIpHashKeySource : IHashKeySource
{
    public bool TryGetHash(HttpContext context, out ulong hash)
    {
        var address = context.Connection.RemoteIpAddress;
        Span<byte> bytes = stackalloc byte[16];
        if (address is null || !address.TryWriteBytes(bytes, out var written))
        {
            hash = 0;
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6)
        {
            address.MapToIPv4().TryWriteBytes(bytes, out written);
        }

        hash = HashKey.Of(bytes[..written]);
        return true;
    }
}
