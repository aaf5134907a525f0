using Mesh.Kubernetes.Informers;
using Mesh.Kubernetes.Tests.Fixtures;

namespace Mesh.Kubernetes.Tests.Informers;

/// <summary>Rebuilds the cache from the events alone, to prove handlers see every change (key → resourceVersion).</summary>
internal sealed class RecordingHandler : IResourceEventHandler<Widget>
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _view = [];

    public List<string> Tombstones { get; } = [];

    /// <summary>Events that contradict the events before them (handlers' exceptions are swallowed by the informer).</summary>
    public List<string> Violations { get; } = [];

    public int Resyncs { get; private set; }

    public int Updates { get; private set; }

    public Dictionary<string, string> View
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, string>(_view);
            }
        }
    }

    public void OnAdded(Widget obj)
    {
        lock (_gate)
        {
            Check(_view.TryAdd(CacheKey.Of(obj), obj.Metadata.ResourceVersion!), $"added twice: {CacheKey.Of(obj)}");
        }
    }

    public void OnUpdated(Widget oldObj, Widget newObj)
    {
        lock (_gate)
        {
            Check(_view.ContainsKey(CacheKey.Of(newObj)), $"update of an object never added: {CacheKey.Of(newObj)}");
            _view[CacheKey.Of(newObj)] = newObj.Metadata.ResourceVersion!;
            if (ReferenceEquals(oldObj, newObj))
            {
                Resyncs++;
            }
            else
            {
                Updates++;
            }
        }
    }

    public void OnDeleted(Widget obj, bool finalStateUnknown)
    {
        lock (_gate)
        {
            Check(_view.Remove(CacheKey.Of(obj)), $"delete of an object never added: {CacheKey.Of(obj)}");
            if (finalStateUnknown)
            {
                Tombstones.Add(CacheKey.Of(obj));
            }
        }
    }

    private void Check(bool condition, string violation)
    {
        if (!condition)
        {
            Violations.Add(violation);
        }
    }
}
