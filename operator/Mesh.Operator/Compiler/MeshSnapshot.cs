using System.Collections.Immutable;
using k8s;
using k8s.Models;
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
    ImmutableArray<V1Service> Services,
    ImmutableArray<V1EndpointSlice> EndpointSlices,
    ImmutableArray<V1Pod> Pods,
    ImmutableArray<V1Namespace> Namespaces)
{
    public static MeshSnapshot Empty { get; } = From([]);

    /// <summary>
    /// The Secrets that DestinationRules name in tls.credentialName (only those: a source reads no other Secret), from
    /// the watched directory in local mode or by name from the API server in kube mode.
    /// </summary>
    public ImmutableArray<V1Secret> Secrets { get; init; } = [];

    public static MeshSnapshot From(IEnumerable<IKubernetesObject<V1ObjectMeta>> objects)
    {
        var list = objects.ToList();
        return new MeshSnapshot(
            [.. list.OfType<VirtualService>()],
            [.. list.OfType<DestinationRule>()],
            [.. list.OfType<MeshPolicy>()],
            [.. list.OfType<WorkloadEntry>()],
            [.. list.OfType<V1Service>()],
            [.. list.OfType<V1EndpointSlice>()],
            [.. list.OfType<V1Pod>()],
            [.. list.OfType<V1Namespace>()])
        {
            Secrets = [.. list.OfType<V1Secret>()],
        };
    }

    public IEnumerable<IKubernetesObject<V1ObjectMeta>> All() =>
        VirtualServices.Cast<IKubernetesObject<V1ObjectMeta>>()
            .Concat(DestinationRules).Concat(MeshPolicies).Concat(WorkloadEntries)
            .Concat(Services).Concat(EndpointSlices).Concat(Pods).Concat(Namespaces).Concat(Secrets);
}
