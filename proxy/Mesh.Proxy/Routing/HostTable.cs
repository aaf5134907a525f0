namespace Mesh.Proxy.Routing;

/// <summary>Maps every spelling of every host (with and without ":port") to its virtual host.</summary>
internal sealed class HostTable
{
    private readonly Dictionary<string, VirtualHostRoutes> _byDomain;

    public HostTable(Dictionary<string, VirtualHostRoutes> byDomain) => _byDomain = byDomain;

    /// <summary>Exact, case-insensitive lookup of the Host/authority value as the client sent it.</summary>
    public VirtualHostRoutes? Find(string authority) =>
        _byDomain.TryGetValue(authority, out var host) ? host : null;
}
