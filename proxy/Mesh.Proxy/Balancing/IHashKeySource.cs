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

/// <summary>
/// Hashes a cookie. As in Envoy, when the cookie is missing and a TTL is configured the proxy generates one (from
/// the client's address), hashes that, and sets it on the response so the client sticks to the same endpoint: with
/// <c>Max-Age</c> of the TTL, or as a session cookie when the TTL is 0, plus the configured attributes.
/// </summary>
internal sealed class CookieHashKeySource : IHashKeySource
{
    private readonly string _name;
    private readonly string? _attributes;

    /// <param name="ttl">Null: a request without the cookie gets no key and no cookie.</param>
    /// <param name="attributes">Extra attributes, e.g. ("SameSite", "Strict"), ("Secure", "").</param>
    public CookieHashKeySource(string name, string path, TimeSpan? ttl, IEnumerable<(string Name, string Value)> attributes)
    {
        _name = name;
        if (ttl is not { } lifetime)
        {
            return;
        }

        // Everything after the value is the same for every generated cookie: built once per config.
        var suffix = new System.Text.StringBuilder();
        if (lifetime > TimeSpan.Zero)
        {
            suffix.Append(System.Globalization.CultureInfo.InvariantCulture, $"; Max-Age={(long)Math.Ceiling(lifetime.TotalSeconds)}");
        }

        suffix.Append("; Path=").Append(path.Length > 0 ? path : "/").Append("; HttpOnly");
        foreach (var (attribute, value) in attributes)
        {
            suffix.Append("; ").Append(attribute);
            if (value.Length > 0)
            {
                suffix.Append('=').Append(value);
            }
        }

        _attributes = suffix.ToString();
    }

    public bool TryGetHash(HttpContext context, out ulong hash)
    {
        if (context.Request.Cookies.TryGetValue(_name, out var value) && !string.IsNullOrEmpty(value))
        {
            hash = HashKey.Of(value);
            return true;
        }

        if (_attributes is null)
        {
            hash = 0;
            return false;
        }

        var generated = HashKey.Of($"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}").ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        var cookie = string.Concat(_name, "=", generated, _attributes);
        context.Response.OnStarting(static state =>
        {
            var (response, setCookie) = ((HttpResponse, string))state;
            response.Headers.Append("set-cookie", setCookie);
            return Task.CompletedTask;
        }, (context.Response, cookie));
        hash = HashKey.Of(generated);
        return true;
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
