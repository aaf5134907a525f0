namespace Mesh.Proxy.Routing;

/// <summary>Maps every spelling of every host (with and without ":port") to its virtual host.</summary>
internal sealed class HostTable
{
    private readonly Dictionary<string, VirtualHostRoutes> _byDomain;
    private readonly Dictionary<string, VirtualHostRoutes> _byName;

    public HostTable(Dictionary<string, VirtualHostRoutes> byDomain, Dictionary<string, VirtualHostRoutes> byName)
    {
        _byDomain = byDomain;
        _byName = byName;
    }

    /// <summary>Exact, case-insensitive lookup of the Host/authority value as the client sent it.</summary>
    public VirtualHostRoutes? Find(string authority) =>
        _byDomain.TryGetValue(authority, out var host) ? host : null;

    /// <summary>The virtual host of this name, for the next snapshot to keep if it did not change.</summary>
    public VirtualHostRoutes? Named(string name) =>
        _byName.TryGetValue(name, out var host) ? host : null;
}
