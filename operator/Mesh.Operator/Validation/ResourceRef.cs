using k8s;
using k8s.Models;

namespace Mesh.Operator.Validation;

/// <summary>Identifies a resource: its kind, namespace and name.</summary>
public sealed record ResourceRef(string Kind, string Namespace, string Name) : IComparable<ResourceRef>
{
    public static ResourceRef Of(IKubernetesObject<V1ObjectMeta> obj) =>
        new(obj.Kind ?? "", obj.Metadata.NamespaceProperty ?? "", obj.Metadata.Name ?? "");

    public int CompareTo(ResourceRef? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = string.CompareOrdinal(Kind, other.Kind);
        if (c == 0)
        {
            c = string.CompareOrdinal(Namespace, other.Namespace);
        }

        return c != 0 ? c : string.CompareOrdinal(Name, other.Name);
    }

    public override string ToString() => $"{Kind} {Namespace}/{Name}";
}
