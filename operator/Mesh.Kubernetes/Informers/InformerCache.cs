using System.Collections.Immutable;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Mesh.Kubernetes.Informers;

/// <summary>
/// The informer's cache: an immutable <see cref="CacheState{T}"/> swapped whole on every change (readers take
/// snapshots without locks), plus the handlers, called under the writer lock so that they see events in the cache's order.
/// </summary>
internal sealed partial class InformerCache<T>(ILogger logger)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock _gate = new();
    private CacheState<T> _state = CacheState<T>.Empty;
    private ImmutableArray<IResourceEventHandler<T>> _handlers = [];

    public CacheState<T> State => Volatile.Read(ref _state);

    public IDisposable AddHandler(IResourceEventHandler<T> handler)
    {
        lock (_gate)
        {
            _handlers = _handlers.Add(handler);
            foreach (var obj in _state.Items.Values)
            {
                Dispatch(handler, h => h.OnAdded(obj));
            }
        }

        return new Registration(this, handler);
    }

    public void Upsert(T obj)
    {
        lock (_gate)
        {
            var key = CacheKey.Of(obj);
            var had = _state.Items.TryGetValue(key, out var old);
            Volatile.Write(ref _state, _state.Set(key, obj));
            foreach (var handler in _handlers)
            {
                Dispatch(handler, h =>
                {
                    if (had)
                    {
                        h.OnUpdated(old!, obj);
                    }
                    else
                    {
                        h.OnAdded(obj);
                    }
                });
            }
        }
    }

    /// <summary>A watched deletion; one of an object the cache never had is dropped (client-go does the same).</summary>
    public void Remove(T obj)
    {
        lock (_gate)
        {
            var key = CacheKey.Of(obj);
            if (!_state.Items.ContainsKey(key))
            {
                return;
            }

            Volatile.Write(ref _state, _state.Remove(key));
            foreach (var handler in _handlers)
            {
                Dispatch(handler, h => h.OnDeleted(obj, finalStateUnknown: false));
            }
        }
    }

    /// <summary>
    /// Replaces the whole cache with a list: new objects are added, changed ones (by resourceVersion) updated, unchanged
    /// ones kept as the cached instances, and cached objects the list lacks are deleted with their last known state as a tombstone, so no ghost survives.
    /// </summary>
    public void Replace(IEnumerable<T> listed)
    {
        lock (_gate)
        {
            var old = _state.Items;

            // An object whose resourceVersion did not change keeps its cached instance: the mesh compiler takes over
            // its previous work for objects that are the same instances.
            var state = CacheState<T>.From(listed.Select(obj =>
                old.TryGetValue(CacheKey.Of(obj), out var cached) && !string.IsNullOrEmpty(obj.Metadata.ResourceVersion) &&
                cached.Metadata.ResourceVersion == obj.Metadata.ResourceVersion ? cached : obj));
            var next = state.Items;
            Volatile.Write(ref _state, state);
            foreach (var (key, obj) in next)
            {
                if (!old.TryGetValue(key, out var previous))
                {
                    DispatchAll(h => h.OnAdded(obj));
                }
                else if (previous.Metadata.ResourceVersion != obj.Metadata.ResourceVersion)
                {
                    DispatchAll(h => h.OnUpdated(previous, obj));
                }
            }

            foreach (var (key, tombstone) in old)
            {
                if (!next.ContainsKey(key))
                {
                    DispatchAll(h => h.OnDeleted(tombstone, finalStateUnknown: true));
                }
            }
        }
    }

    /// <summary>Replays every cached object to the handlers as an update to itself.</summary>
    public void Resync()
    {
        lock (_gate)
        {
            foreach (var obj in _state.Items.Values)
            {
                DispatchAll(h => h.OnUpdated(obj, obj));
            }
        }
    }

    private void DispatchAll(Action<IResourceEventHandler<T>> call)
    {
        foreach (var handler in _handlers)
        {
            Dispatch(handler, call);
        }
    }

    private void Dispatch(IResourceEventHandler<T> handler, Action<IResourceEventHandler<T>> call)
    {
        try
        {
            call(handler);
        }
        catch (Exception e)
        {
            // One faulty handler must neither stop the informer nor starve the other handlers.
            LogHandlerFailed(logger, e, typeof(T).Name);
        }
    }

    private void RemoveHandler(IResourceEventHandler<T> handler)
    {
        lock (_gate)
        {
            _handlers = _handlers.Remove(handler);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An event handler of the {Kind} informer failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string kind);

    private sealed class Registration(InformerCache<T> cache, IResourceEventHandler<T> handler) : IDisposable
    {
        public void Dispose() => cache.RemoveHandler(handler);
    }
}
