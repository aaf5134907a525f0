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

    /// <summary>
    /// The resources in this order, stably (resources that compare equal keep their input order), as
    /// <c>OrderBy(r => r, Instance)</c> gives them, but reading each one's keys once instead of at every comparison.
    /// </summary>
    public static T[] Sort<T>(IReadOnlyList<T> resources)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var keys = new Key[resources.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = Key.Of(resources[i], i);
        }

        // The keys alone, with a comparison, then the resources by the positions the keys carry. Sorting by the keys'
        // IComparable (with or without the items) runs the runtime's tests of the key type against each primitive
        // type; JIT-ed without tiering they were calls, 39 per comparison (120M of BuildShared's 747M instructions).
        Array.Sort(keys, static (a, b) => a.CompareTo(b));
        var sorted = new T[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            sorted[i] = resources[keys[i].Position];
        }

        return sorted;
    }

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

        return Key.Of(x, 0).CompareTo(Key.Of(y, 0));
    }

    // The input position breaks ties, which makes an unstable sort stable.
    private readonly record struct Key(DateTimeOffset Created, string? Namespace, string? Name, int Position) : IComparable<Key>
    {
        public static Key Of(IKubernetesObject<V1ObjectMeta> resource, int position)
        {
            var metadata = resource.Metadata;
            return new(metadata.CreationTimestamp ?? DateTimeOffset.MaxValue, metadata.NamespaceProperty, metadata.Name, position);
        }

        public int CompareTo(Key other)
        {
            var c = Created.CompareTo(other.Created);
            if (c == 0)
            {
                c = string.CompareOrdinal(Namespace, other.Namespace);
            }

            if (c == 0)
            {
                c = string.CompareOrdinal(Name, other.Name);
            }

            return c != 0 ? c : Position.CompareTo(other.Position);
        }
    }
}
