using k8s;
using k8s.Models;

namespace Mesh.Operator.Compiler;

/// <summary>
/// Istio's precedence among resources that claim the same thing: the oldest by creationTimestamp wins, then the
/// first by namespace and name. A resource without a timestamp (a local manifest) counts as newest.
/// </summary>
internal sealed class ResourceOrder : IComparer<IKubernetesObject<V1ObjectMeta>>
{
    public static ResourceOrder Instance { get; } = new();

    public int Compare(IKubernetesObject<V1ObjectMeta>? x, IKubernetesObject<V1ObjectMeta>? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var c = (x.Metadata.CreationTimestamp ?? DateTimeOffset.MaxValue).CompareTo(y.Metadata.CreationTimestamp ?? DateTimeOffset.MaxValue);
        if (c == 0)
        {
            c = string.CompareOrdinal(x.Metadata.NamespaceProperty, y.Metadata.NamespaceProperty);
        }

        return c != 0 ? c : string.CompareOrdinal(x.Metadata.Name, y.Metadata.Name);
    }
}
