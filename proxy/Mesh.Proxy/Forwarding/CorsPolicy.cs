using Mesh.Proxy.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Mesh.Proxy.Forwarding;

/// <summary>CORS: the proxy answers preflights itself and adds the allow headers to responses for allowed origins.</summary>
internal sealed class CorsPolicy
{
    private readonly StringMatcher[] _origins;
    private readonly string? _methods;
    private readonly string? _headers;
    private readonly string? _expose;
    private readonly string? _maxAge;
    private readonly bool _credentials;

    private CorsPolicy(StringMatcher[] origins, string? methods, string? headers, string? expose, string? maxAge, bool credentials)
    {
        _origins = origins;
        _methods = methods;
        _headers = headers;
        _expose = expose;
        _maxAge = maxAge;
        _credentials = credentials;
    }

    public static CorsPolicy? Create(Api.V1.CorsPolicy? proto, string path)
    {
        if (proto is null)
        {
            return null;
        }

        var origins = proto.AllowOrigins.Select((o, i) => StringMatcher.Create(o, $"{path}.allow_origins[{i}]")).OfType<StringMatcher>().ToArray();
        var maxAge = proto.MaxAge is { } age ? ((long)age.ToTimeSpan().TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return new CorsPolicy(origins, Join(proto.AllowMethods), Join(proto.AllowHeaders), Join(proto.ExposeHeaders), maxAge, proto.AllowCredentials);
    }

    public static bool IsPreflight(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method) && request.Headers.Origin.Count > 0 && request.Headers.AccessControlRequestMethod.Count > 0;

    /// <summary>The request's Origin when this policy allows it, else null.</summary>
    public string? AllowedOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return null;
        }

        foreach (var matcher in _origins)
        {
            if (matcher.Matches(origin))
            {
                return origin;
            }
        }

        return null;
    }

    /// <summary>Answers a preflight: 200 with the allow headers for an allowed origin, 403 otherwise.</summary>
    public Task RespondToPreflightAsync(HttpContext context)
    {
        var origin = AllowedOrigin(context.Request);
        if (origin is null)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return context.Response.WriteAsync("CORS origin not allowed", context.RequestAborted);
        }

        var headers = context.Response.Headers;
        AddAllowOrigin(headers, origin);
        Set(headers, "access-control-allow-methods", _methods);
        Set(headers, "access-control-allow-headers", _headers ?? context.Request.Headers.AccessControlRequestHeaders.ToString());
        Set(headers, "access-control-max-age", _maxAge);
        context.Response.StatusCode = StatusCodes.Status200OK;
        return Task.CompletedTask;
    }

    /// <summary>Adds allow-origin (and credentials, expose) to an actual response for an allowed origin.</summary>
    public void AddResponseHeaders(HttpContext context)
    {
        if (AllowedOrigin(context.Request) is { } origin)
        {
            AddAllowOrigin(context.Response.Headers, origin);
            Set(context.Response.Headers, "access-control-expose-headers", _expose);
        }
    }

    private void AddAllowOrigin(IHeaderDictionary headers, string origin)
    {
        headers["access-control-allow-origin"] = origin;
        headers.Append("vary", "Origin");
        if (_credentials)
        {
            headers["access-control-allow-credentials"] = "true";
        }
    }

    private static void Set(IHeaderDictionary headers, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            headers[name] = new StringValues(value);
        }
    }

    private static string? Join(IReadOnlyCollection<string> values) => values.Count == 0 ? null : string.Join(',', values);
}
