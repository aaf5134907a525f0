using Mesh.Kubernetes.Client;

namespace Mesh.Operator.Resources;

/// <summary>The REST collections of the mesh.io custom resources, as <c>crds/*.yaml</c> declares them.</summary>
public static class MeshResourceTypes
{
    public static ResourceType VirtualService { get; } = Of("virtualservices", nameof(Resources.VirtualService));

    public static ResourceType DestinationRule { get; } = Of("destinationrules", nameof(Resources.DestinationRule));

    public static ResourceType MeshPolicy { get; } = Of("meshpolicies", nameof(Resources.MeshPolicy));

    public static ResourceType WorkloadEntry { get; } = Of("workloadentries", nameof(Resources.WorkloadEntry));

    /// <summary>The four mesh resource types.</summary>
    public static IReadOnlyList<ResourceType> All { get; } = [VirtualService, DestinationRule, MeshPolicy, WorkloadEntry];

    /// <summary>The type of a mesh resource kind, or null when the kind is not one of the mesh's.</summary>
    public static ResourceType? ForKind(string kind) => All.FirstOrDefault(type => type.Kind == kind);

    private static ResourceType Of(string plural, string kind) =>
        new(MeshApiGroup.Group, MeshApiGroup.Version, plural, kind, Namespaced: true);
}
