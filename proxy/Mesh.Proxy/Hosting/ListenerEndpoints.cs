using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Mesh.Proxy.Hosting;

/// <summary>The three listeners and the ports they are bound to (ephemeral ports are known once the server started).</summary>
public sealed class ListenerEndpoints
{
    internal ListenOptions? Outbound { get; set; }

    internal ListenOptions? Inbound { get; set; }

    internal ListenOptions? Admin { get; set; }

    public int OutboundPort => Port(Outbound);

    public int InboundPort => Port(Inbound);

    public int AdminPort => Port(Admin);

    private static int Port(ListenOptions? options) => (options?.EndPoint as IPEndPoint)?.Port ?? 0;
}
