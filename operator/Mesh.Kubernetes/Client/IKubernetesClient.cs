using k8s;
using k8s.Models;

namespace Mesh.Kubernetes.Client;

/// <summary>
/// The REST verbs this project needs, typed over <see cref="ResourceType"/> and any <see cref="IKubernetesObject<V1ObjectMeta>"/>.
/// Kept narrow so that the KubernetesClient package could stand behind it. Every failure the API server reports is
/// a <see cref="KubernetesException"/>. <paramref name="namespace"/> parameters are ignored for cluster-scoped types.
/// </summary>
public interface IKubernetesClient : IDisposable
{
    /// <summary>The namespace of the configuration (the pod's own in a cluster).</summary>
    string DefaultNamespace { get; }

    /// <summary>
    /// KubernetesClient's typed API (<c>V1*</c> models) on the same connections, credentials and retry policy. Call
    /// it through <see cref="KubernetesClientExtensions.CallAsync"/> so failures surface as <see cref="KubernetesException"/>.
    /// </summary>
    k8s.IKubernetes Api { get; }

    Task<T> GetAsync<T>(ResourceType type, string? @namespace, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>One page; <paramref name="namespace"/> null lists across all namespaces.</summary>
    Task<ObjectList<T>> ListAsync<T>(ResourceType type, string? @namespace, ListOptions? options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>
    /// Streams events until the server ends the watch or <paramref name="cancellationToken"/> fires. A 410 at the
    /// start is thrown; a 410 mid-stream arrives as an ERROR event.
    /// </summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(ResourceType type, string? @namespace, WatchOptions options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    Task<T> CreateAsync<T>(ResourceType type, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>PUT; the object's resourceVersion makes it conditional (409 Conflict when stale).</summary>
    Task<T> ReplaceAsync<T>(ResourceType type, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    Task<T> PatchAsync<T>(ResourceType type, string? @namespace, string name, KubernetesPatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    Task<T> GetStatusAsync<T>(ResourceType type, string? @namespace, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>PUT to <c>/status</c>: only the status of <paramref name="obj"/> is written.</summary>
    Task<T> ReplaceStatusAsync<T>(ResourceType type, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    Task<T> PatchStatusAsync<T>(ResourceType type, string? @namespace, string name, KubernetesPatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>Deletes; with <paramref name="resourceVersion"/> only that version (409 otherwise). Not found is an error.</summary>
    Task DeleteAsync(ResourceType type, string? @namespace, string name, string? resourceVersion, CancellationToken cancellationToken);
}
