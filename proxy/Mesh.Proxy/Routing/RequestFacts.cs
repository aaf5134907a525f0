using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Routing;

/// <summary>What route matching reads from a request, gathered once so every route sees the same values.</summary>
internal readonly struct RequestFacts
{
    public RequestFacts(HttpRequest request)
    {
        Path = request.Path.Value is { Length: > 0 } path ? path : "/";
        Authority = request.Host.Value ?? string.Empty;
        Method = request.Method;
        Scheme = request.Scheme;
        Headers = request.Headers;
        Query = request.QueryString.Value ?? string.Empty;
        Port = request.Host.Port ?? (request.IsHttps ? 443 : 80);
    }

    public string Path { get; }

    public string Authority { get; }

    public string Method { get; }

    /// <summary>http, or https on a TLS connection (h2's :scheme).</summary>
    public string Scheme { get; }

    public IHeaderDictionary Headers { get; }

    /// <summary>The raw query string including its leading '?', or empty.</summary>
    public string Query { get; }

    /// <summary>The port the client addressed: the authority's port, else the scheme's default.</summary>
    public int Port { get; }
}
