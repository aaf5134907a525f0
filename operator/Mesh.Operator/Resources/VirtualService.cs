namespace Mesh.Operator.Resources;

/// <summary>Istio's VirtualService: ordered HTTP routing rules for a set of hosts.</summary>
public sealed class VirtualService : MeshResource<VirtualServiceSpec>
{
    public VirtualService()
    {
        Kind = nameof(VirtualService);
    }
}

public sealed class VirtualServiceSpec
{
    public List<string>? Hosts { get; set; }

    public List<string>? Gateways { get; set; }

    public List<string>? ExportTo { get; set; }

    public List<HttpRoute>? Http { get; set; }
}
