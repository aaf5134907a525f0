using Mesh.Kubernetes.Models;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Manifests;

/// <summary>The apiVersion/kind pairs the mesh reads, and the model type of each.</summary>
public static class ResourceKinds
{
    private static readonly Dictionary<(string ApiVersion, string Kind), Type> Types = new()
    {
        [(MeshApiGroup.GroupVersion, nameof(VirtualService))] = typeof(VirtualService),
        [(MeshApiGroup.GroupVersion, nameof(DestinationRule))] = typeof(DestinationRule),
        [(MeshApiGroup.GroupVersion, nameof(MeshPolicy))] = typeof(MeshPolicy),
        [(MeshApiGroup.GroupVersion, nameof(WorkloadEntry))] = typeof(WorkloadEntry),
        [("v1", nameof(Service))] = typeof(Service),
        [("v1", nameof(Pod))] = typeof(Pod),
        [("v1", nameof(Kubernetes.Models.Namespace))] = typeof(Kubernetes.Models.Namespace),
        [("discovery.k8s.io/v1", nameof(EndpointSlice))] = typeof(EndpointSlice),
    };

    public static Type? Find(string apiVersion, string kind) =>
        Types.TryGetValue((apiVersion, kind), out var type) ? type : null;

    public static bool IsClusterScoped(string kind) => kind == nameof(Kubernetes.Models.Namespace);
}
