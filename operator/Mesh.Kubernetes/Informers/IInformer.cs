using System.Collections.Immutable;
using k8s;
using k8s.Models;

namespace Mesh.Kubernetes.Informers;

/// <summary>
/// Keeps a local cache of one resource type in step with the API server (list, then watch; relist when the watch
/// expires) and tells handlers what changed. Semantics follow client-go's reflector and shared informer.
/// </summary>
public interface IInformer<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>True once the first list has filled the cache.</summary>
    bool HasSynced { get; }

    /// <summary>The whole cache at one instant, keyed by <see cref="CacheKey"/> ("namespace/name" or "name").</summary>
    ImmutableDictionary<string, T> Snapshot { get; }

    /// <summary>Completes when <see cref="HasSynced"/> becomes true.</summary>
    Task WaitForSyncAsync(CancellationToken cancellationToken);

    /// <summary>The cached objects of one namespace, keyed like <see cref="Snapshot"/>, from an index.</summary>
    ImmutableDictionary<string, T> InNamespace(string @namespace);

    /// <summary>The cached object, or null.</summary>
    T? Get(string? @namespace, string name);

    /// <summary>
    /// Adds a handler; it first receives OnAdded for every object already cached. Handlers run on the informer's
    /// loop, one event at a time in order: they must be quick (enqueue a key) and not block. Dispose to remove.
    /// </summary>
    IDisposable AddHandler(IResourceEventHandler<T> handler);

    /// <summary>Lists and watches until <paramref name="cancellationToken"/> fires, then returns.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
