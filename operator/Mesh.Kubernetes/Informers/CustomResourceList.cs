using k8s;
using k8s.Models;

namespace Mesh.Kubernetes.Informers;

/// <summary>The list body of a custom resource collection, as the custom-object API returns it.</summary>
public sealed class CustomResourceList<T> : IKubernetesObject<V1ListMeta>, IItems<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public V1ListMeta Metadata { get; set; } = new();

    public IList<T> Items { get; set; } = [];
}
