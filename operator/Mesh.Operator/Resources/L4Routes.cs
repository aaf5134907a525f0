namespace Mesh.Operator.Resources;

/// <summary>Istio's TCPRoute: opaque TCP forwarding for a service port, by weighted destinations.</summary>
public sealed class TcpRoute
{
    /// <summary>OR of blocks; absent matches every connection.</summary>
    public List<L4MatchAttributes>? Match { get; set; }

    public List<RouteDestination>? Route { get; set; }
}

/// <summary>Istio's TLSRoute: TLS passthrough routed by the ClientHello's SNI, without terminating TLS.</summary>
public sealed class TlsRoute
{
    /// <summary>Required: each block names the SNI values it matches.</summary>
    public List<TlsMatchAttributes>? Match { get; set; }

    public List<RouteDestination>? Route { get; set; }
}

/// <summary>Istio's L4MatchAttributes: AND of the conditions present.</summary>
public sealed class L4MatchAttributes
{
    /// <summary>IPv4/IPv6 addresses or CIDRs the connection's original destination must be in.</summary>
    public List<string>? DestinationSubnets { get; set; }

    public int? Port { get; set; }

    /// <summary>Selects the workloads whose proxies get this block.</summary>
    public Dictionary<string, string>? SourceLabels { get; set; }

    public List<string>? Gateways { get; set; }

    /// <summary>The namespace whose proxies get this block.</summary>
    public string? SourceNamespace { get; set; }
}

/// <summary>Istio's TLSMatchAttributes: <see cref="L4MatchAttributes"/> plus the SNI values.</summary>
public sealed class TlsMatchAttributes
{
    /// <summary>Server names ("*.example.com" matches every name under example.com); required.</summary>
    public List<string>? SniHosts { get; set; }

    public List<string>? DestinationSubnets { get; set; }

    public int? Port { get; set; }

    public Dictionary<string, string>? SourceLabels { get; set; }

    public List<string>? Gateways { get; set; }

    public string? SourceNamespace { get; set; }
}

/// <summary>Istio's RouteDestination: a destination with a relative weight (no header operations at L4).</summary>
public sealed class RouteDestination : IWeightedDestination
{
    public Destination? Destination { get; set; }

    public int? Weight { get; set; }
}
