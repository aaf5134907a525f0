using k8s;
using k8s.Models;
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
        [(V1Service.KubeApiVersion, V1Service.KubeKind)] = typeof(V1Service),
        [(V1Pod.KubeApiVersion, V1Pod.KubeKind)] = typeof(V1Pod),
        [(V1Namespace.KubeApiVersion, V1Namespace.KubeKind)] = typeof(V1Namespace),

        // In local mode a Secret in the watched directory is what a DestinationRule's tls.credentialName names.
        [(V1Secret.KubeApiVersion, V1Secret.KubeKind)] = typeof(V1Secret),
        [($"{V1EndpointSlice.KubeGroup}/{V1EndpointSlice.KubeApiVersion}", V1EndpointSlice.KubeKind)] = typeof(V1EndpointSlice),
    };

    public static Type? Find(string apiVersion, string kind) =>
        Types.TryGetValue((apiVersion, kind), out var type) ? type : null;

    public static bool IsClusterScoped(string kind) => kind == V1Namespace.KubeKind;
}
