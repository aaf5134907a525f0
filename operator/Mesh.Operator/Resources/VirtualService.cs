using System.Text.Json.Serialization;
using k8s.Models;

namespace Mesh.Operator.Resources;

/// <summary>Istio's VirtualService: ordered HTTP, TCP and TLS routing rules for a set of hosts.</summary>
[KubernetesEntity(Group = MeshApiGroup.Group, ApiVersion = MeshApiGroup.Version, Kind = nameof(VirtualService), PluralName = "virtualservices")]
public sealed class VirtualService : MeshResource<VirtualServiceSpec>
{
    public VirtualService()
    {
        Kind = nameof(VirtualService);
    }
}

public sealed class VirtualServiceSpec
{
    /// <summary>The reserved gateway name that stands for every sidecar.</summary>
    public const string MeshGateway = "mesh";

    public List<string>? Hosts { get; set; }

    public List<string>? Gateways { get; set; }

    public List<string>? ExportTo { get; set; }

    public List<HttpRoute>? Http { get; set; }

    /// <summary>Istio's TCP routes, for the service's opaque TCP ports; first match wins.</summary>
    public List<TcpRoute>? Tcp { get; set; }

    /// <summary>Istio's TLS passthrough routes by SNI, for the service's TLS ports; first match wins.</summary>
    public List<TlsRoute>? Tls { get; set; }

    /// <summary>A VirtualService without hosts is a delegate: it configures only the root rules that delegate to it.</summary>
    [JsonIgnore]
    public bool IsDelegate => Hosts is not { Count: > 0 };

    /// <summary>True unless <see cref="Gateways"/> names gateways without <c>mesh</c> (Istio's default is the mesh).</summary>
    [JsonIgnore]
    public bool AppliesToSidecars => Gateways is not { Count: > 0 } gateways || gateways.Contains(MeshGateway);
}
