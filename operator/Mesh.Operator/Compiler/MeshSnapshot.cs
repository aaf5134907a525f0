using System.Collections.Immutable;
using Mesh.Kubernetes.Models;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Compiler;

/// <summary>
/// Everything the compiler reads, as one immutable value: the mesh resources plus the Kubernetes objects they
/// refer to. The objects must not be changed once they are in a snapshot; a change is a new snapshot.
/// </summary>
public sealed record MeshSnapshot(
    ImmutableArray<VirtualService> VirtualServices,
    ImmutableArray<DestinationRule> DestinationRules,
    ImmutableArray<MeshPolicy> MeshPolicies,
    ImmutableArray<WorkloadEntry> WorkloadEntries,
    ImmutableArray<Service> Services,
    ImmutableArray<EndpointSlice> EndpointSlices,
    ImmutableArray<Pod> Pods,
    ImmutableArray<Kubernetes.Models.Namespace> Namespaces)
{
    public static MeshSnapshot Empty { get; } = From([]);

    public static MeshSnapshot From(IEnumerable<IKubernetesObject> objects)
    {
        var list = objects.ToList();
        return new MeshSnapshot(
            [.. list.OfType<VirtualService>()],
            [.. list.OfType<DestinationRule>()],
            [.. list.OfType<MeshPolicy>()],
            [.. list.OfType<WorkloadEntry>()],
            [.. list.OfType<Service>()],
            [.. list.OfType<EndpointSlice>()],
            [.. list.OfType<Pod>()],
            [.. list.OfType<Kubernetes.Models.Namespace>()]);
    }

    public IEnumerable<IKubernetesObject> All() =>
        VirtualServices.Cast<IKubernetesObject>()
            .Concat(DestinationRules).Concat(MeshPolicies).Concat(WorkloadEntries)
            .Concat(Services).Concat(EndpointSlices).Concat(Pods).Concat(Namespaces);
}
