namespace Mesh.Kubernetes.Informers;

/// <summary>What an informer reports for each change of its cache.</summary>
public interface IResourceEventHandler<in T>
{
    void OnAdded(T obj);

    /// <summary>A change, or (with both the same object) a periodic resync.</summary>
    void OnUpdated(T oldObj, T newObj);

    /// <summary>
    /// A deletion. With <paramref name="finalStateUnknown"/> the deletion was only noticed on a relist (it happened
    /// while the watch was down): <paramref name="obj"/> is the last state the cache saw, a tombstone.
    /// </summary>
    void OnDeleted(T obj, bool finalStateUnknown);
}

/// <summary>An <see cref="IResourceEventHandler{T}"/> from delegates; absent delegates ignore their event.</summary>
public sealed class ResourceEventHandler<T> : IResourceEventHandler<T>
{
    public Action<T>? Added { get; init; }

    public Action<T, T>? Updated { get; init; }

    public Action<T, bool>? Deleted { get; init; }

    /// <summary>One callback for every event, given the object concerned (the new one for updates).</summary>
    public static ResourceEventHandler<T> ForAny(Action<T> onChange)
        => new() { Added = onChange, Updated = (_, newObj) => onChange(newObj), Deleted = (obj, _) => onChange(obj) };

    public void OnAdded(T obj) => Added?.Invoke(obj);

    public void OnUpdated(T oldObj, T newObj) => Updated?.Invoke(oldObj, newObj);

    public void OnDeleted(T obj, bool finalStateUnknown) => Deleted?.Invoke(obj, finalStateUnknown);
}
