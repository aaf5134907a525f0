using Mesh.Proxy.Telemetry;

namespace Mesh.Proxy.Routing;

/// <summary>A virtual host's ordered route table: the first route that matches wins.</summary>
internal sealed class VirtualHostRoutes
{
    public VirtualHostRoutes(string name, MeshRoute[] routes, RequestSeries unmatched)
    {
        Name = name;
        Routes = routes;
        Unmatched = unmatched;
    }

    public string Name { get; }

    public MeshRoute[] Routes { get; }

    /// <summary>The metrics of a request for this host that no route matches.</summary>
    public RequestSeries Unmatched { get; }

    /// <summary>The first matching route and the match block that selected it; no allocation.</summary>
    public MeshRoute? Select(in RequestFacts request, out RouteMatchBlock? block)
    {
        foreach (var route in Routes)
        {
            if (route.Matches(request, out block))
            {
                return route;
            }
        }

        block = null;
        return null;
    }
}
