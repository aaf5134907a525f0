using System.Collections.Immutable;
using k8s;
using k8s.Models;

namespace Mesh.Kubernetes.Informers;

/// <summary>
/// One immutable state of an informer's cache: the objects by key and, kept consistent with them, by namespace.
/// Every change makes a new state that is swapped in whole.
/// </summary>
internal sealed class CacheState<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    public static readonly CacheState<T> Empty = new(
        ImmutableDictionary<string, T>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<string, ImmutableDictionary<string, T>>.Empty.WithComparers(StringComparer.Ordinal));

    private CacheState(ImmutableDictionary<string, T> items, ImmutableDictionary<string, ImmutableDictionary<string, T>> byNamespace)
    {
        Items = items;
        ByNamespace = byNamespace;
    }

    public ImmutableDictionary<string, T> Items { get; }

    /// <summary>Namespace → (key → object); cluster-scoped objects are under "".</summary>
    public ImmutableDictionary<string, ImmutableDictionary<string, T>> ByNamespace { get; }

    public static CacheState<T> From(IEnumerable<T> objects)
    {
        var items = ImmutableDictionary.CreateBuilder<string, T>(StringComparer.Ordinal);
        foreach (var obj in objects)
        {
            items[CacheKey.Of(obj)] = obj;
        }

        var byNamespace = items
            .GroupBy(p => p.Value.Metadata.NamespaceProperty ?? "", StringComparer.Ordinal)
            .ToImmutableDictionary(g => g.Key, g => g.ToImmutableDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), StringComparer.Ordinal);
        return new CacheState<T>(items.ToImmutable(), byNamespace);
    }

    public CacheState<T> Set(string key, T obj)
    {
        var ns = obj.Metadata.NamespaceProperty ?? "";
        var inNamespace = ByNamespace.GetValueOrDefault(ns) ?? ImmutableDictionary<string, T>.Empty.WithComparers(StringComparer.Ordinal);
        return new CacheState<T>(Items.SetItem(key, obj), ByNamespace.SetItem(ns, inNamespace.SetItem(key, obj)));
    }

    public CacheState<T> Remove(string key)
    {
        if (!Items.TryGetValue(key, out var obj))
        {
            return this;
        }

        var ns = obj.Metadata.NamespaceProperty ?? "";
        var inNamespace = ByNamespace[ns].Remove(key);
        return new CacheState<T>(Items.Remove(key), inNamespace.IsEmpty ? ByNamespace.Remove(ns) : ByNamespace.SetItem(ns, inNamespace));
    }
}
