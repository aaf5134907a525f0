using k8s;
using k8s.Models;

namespace Mesh.Kubernetes.Informers;

/// <summary>client-go's cache key: "namespace/name" for namespaced objects, "name" for cluster-scoped ones.</summary>
public static class CacheKey
{
    public static string For(string? @namespace, string name)
        => string.IsNullOrEmpty(@namespace) ? name : string.Concat(@namespace, "/", name);

    public static string Of(IKubernetesObject<V1ObjectMeta> obj)
        => For(obj.Metadata.NamespaceProperty, obj.Metadata.Name ?? throw new ArgumentException("The object has no metadata.name.", nameof(obj)));

    /// <summary>Splits a key back into namespace (null when cluster-scoped) and name.</summary>
    public static (string? Namespace, string Name) Split(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (null, key) : (key[..slash], key[(slash + 1)..]);
    }
}
