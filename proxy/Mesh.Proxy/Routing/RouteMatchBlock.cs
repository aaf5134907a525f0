namespace Mesh.Proxy.Routing;

/// <summary>One match block of a route: every condition present must hold (AND).</summary>
internal sealed class RouteMatchBlock
{
    public required StringMatcher? Uri { get; init; }
    public required StringMatcher? Authority { get; init; }
    public required StringMatcher? Method { get; init; }
    public StringMatcher? Scheme { get; init; }
    public required HeaderMatcher[] Headers { get; init; }
    public required QueryParamMatcher[] QueryParams { get; init; }

    /// <summary>0 matches any port.</summary>
    public required int Port { get; init; }

    public bool Matches(in RequestFacts request)
    {
        if (Port != 0 && Port != request.Port)
        {
            return false;
        }

        if (Uri is not null && !Uri.Matches(request.Path))
        {
            return false;
        }

        if (Method is not null && !Method.Matches(request.Method))
        {
            return false;
        }

        if (Authority is not null && !Authority.Matches(request.Authority))
        {
            return false;
        }

        if (Scheme is not null && !Scheme.Matches(request.Scheme))
        {
            return false;
        }

        foreach (var header in Headers)
        {
            if (!header.Matches(request.Headers))
            {
                return false;
            }
        }

        foreach (var query in QueryParams)
        {
            if (!query.Matches(request.Query))
            {
                return false;
            }
        }

        return true;
    }
}
