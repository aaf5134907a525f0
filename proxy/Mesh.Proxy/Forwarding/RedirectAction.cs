using System.Text;
using Mesh.Proxy.Routing;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Forwarding;

/// <summary>Answers with a redirect built from the request: 301 unless configured otherwise.</summary>
internal sealed class RedirectAction
{
    private static readonly int[] AllowedCodes = [301, 302, 303, 307, 308];

    private readonly string? _uri;
    private readonly string? _prefixRewrite;
    private readonly string? _authority;
    private readonly string? _scheme;
    private readonly int _port;

    private RedirectAction(string? uri, string? prefixRewrite, string? authority, string? scheme, int port, int statusCode)
    {
        _uri = uri;
        _prefixRewrite = prefixRewrite;
        _authority = authority;
        _scheme = scheme;
        _port = port;
        StatusCode = statusCode;
    }

    public int StatusCode { get; }

    public static RedirectAction Create(Api.V1.Redirect proto, string path)
    {
        var code = proto.RedirectCode == 0 ? 301 : (int)proto.RedirectCode;
        if (!AllowedCodes.Contains(code))
        {
            throw new Config.InvalidProxyConfigException(path + ".redirect_code", $"{code} is not a redirect status (301, 302, 303, 307, 308)");
        }

        if (proto.Scheme.Length > 0 && proto.Scheme is not ("http" or "https"))
        {
            throw new Config.InvalidProxyConfigException(path + ".scheme", $"'{proto.Scheme}' is neither http nor https");
        }

        if (proto.Port > 65535)
        {
            throw new Config.InvalidProxyConfigException(path + ".port", $"{proto.Port} is not a port");
        }

        if (proto.Uri.Length > 0 && proto.PrefixRewrite.Length > 0)
        {
            throw new Config.InvalidProxyConfigException(path + ".prefix_rewrite", "uri and prefix_rewrite exclude each other");
        }

        return new RedirectAction(Empty(proto.Uri), Empty(proto.PrefixRewrite), Empty(proto.Authority), Empty(proto.Scheme), (int)proto.Port, code);
    }

    /// <param name="matched">The match block the request matched, whose uri prefix a prefix rewrite replaces.</param>
    public Task RespondAsync(HttpContext context, RouteMatchBlock? matched)
    {
        var request = context.Request;
        var scheme = _scheme ?? request.Scheme;
        var host = _authority ?? request.Host.Host;
        var port = _port != 0 ? _port : request.Host.Port ?? 0;
        var location = new StringBuilder(scheme).Append("://").Append(host);
        if (port != 0 && !(port == 80 && scheme == "http") && !(port == 443 && scheme == "https"))
        {
            location.Append(':').Append(port);
        }

        var path = request.Path.Value ?? "/";
        if (_uri is not null)
        {
            location.Append(_uri);
        }
        else if (_prefixRewrite is not null)
        {
            // Envoy's prefix_rewrite: a block without a uri match matched the prefix "/".
            var prefixLength = matched?.Uri is { Kind: StringMatchKind.Prefix } prefix ? prefix.Value.Length : 1;
            location.Append(_prefixRewrite).Append(path.AsSpan(Math.Min(prefixLength, path.Length)));
        }
        else
        {
            location.Append(path);
        }

        location.Append(request.QueryString.Value);
        context.Response.StatusCode = StatusCode;
        context.Response.Headers.Location = location.ToString();
        return Task.CompletedTask;
    }

    private static string? Empty(string value) => value.Length == 0 ? null : value;
}
