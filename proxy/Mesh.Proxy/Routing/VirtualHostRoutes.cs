using Mesh.Proxy.Clusters;
using Mesh.Proxy.Telemetry;

namespace Mesh.Proxy.Routing;

/// <summary>A virtual host's ordered route table: the first route that matches wins.</summary>
internal sealed class VirtualHostRoutes
{
    public VirtualHostRoutes(Api.V1.VirtualHost source, MeshRoute[] routes, RequestSeries unmatched)
    {
        Source = source;
        Routes = routes;
        Unmatched = unmatched;
        Clusters = [.. routes
            .SelectMany(r => (r.Destinations?.All.Select(d => d.Cluster) ?? []).Concat(r.Mirrors.Select(m => m.Cluster)))
            .Distinct()];
        Series = [.. routes
            .SelectMany(r => (r.Destinations?.All.Select(d => d.Metrics) ?? []).Append(r.Metrics))
            .Append(unmatched)
            .Distinct()];
    }

    public string Name => Source.Name;

    /// <summary>The virtual host this was compiled from, as the snapshot holds it (never mutated).</summary>
    public Api.V1.VirtualHost Source { get; }

    public MeshRoute[] Routes { get; }

    /// <summary>The metrics of a request for this host that no route matches.</summary>
    public RequestSeries Unmatched { get; }

    /// <summary>Every cluster its routes send or mirror to, resolved when it was compiled.</summary>
    public ClusterRuntime[] Clusters { get; }

    /// <summary>Every request series its routes and destinations are bound to.</summary>
    public RequestSeries[] Series { get; }

    /// <summary>
    /// Whether this route table can serve a snapshot with <paramref name="clusters"/> as it is: every cluster it
    /// resolved is still there as the same runtime object.
    /// </summary>
    public bool Resolves(IReadOnlyDictionary<string, ClusterRuntime> clusters)
    {
        foreach (var cluster in Clusters)
        {
            if (!clusters.TryGetValue(cluster.Name, out var current) || !ReferenceEquals(current, cluster))
            {
                return false;
            }
        }

        return true;
    }

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
