using k8s;
using k8s.Models;
using Mesh.Kubernetes;

namespace Mesh.Operator.Compiler;

/// <summary>A Service of the mesh: its host, its TCP ports (sorted) and the endpoints behind each port.</summary>
internal sealed class MeshService(V1Service service, string fqdn, IReadOnlyList<V1ServicePort> ports)
{
    public V1Service Service { get; } = service;

    public string Namespace => Service.Metadata.NamespaceProperty ?? "";

    public string Name => Service.Metadata.Name ?? "";

    public string Fqdn { get; } = fqdn;

    public IReadOnlyList<V1ServicePort> Ports { get; } = ports;

    /// <summary>Service port number → endpoints, sorted by address, port and workload.</summary>
    public Dictionary<int, List<ServiceEndpoint>> Endpoints { get; } = [];

    public string? ClusterIp => Service.Spec.ClusterIP is { Length: > 0 } ip && ip != "None" ? ip : null;

    public IReadOnlyDictionary<string, string>? Selector => Service.Spec.Selector is { Count: > 0 } s ? s.AsReadOnly() : null;

    public V1ServicePort? FindPort(int number) => Ports.FirstOrDefault(p => p.Port == number);
}

/// <summary>One address:port serving a service port, with the labels subsets select on.</summary>
internal sealed record ServiceEndpoint(
    string Address,
    int Port,
    IReadOnlyDictionary<string, string> Labels,
    string Workload,
    string Identity,
    bool InMesh,
    int Weight,
    string Locality = "");
