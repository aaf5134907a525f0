using System.Globalization;
using System.Text.Json.Nodes;
using Mesh.Kubernetes.Client;

namespace Mesh.Kubernetes.Tests.Fixtures;

/// <summary>The watches of the fake API server and the disruptions tests inflict on them.</summary>
internal sealed partial class FakeApiStore
{
    /// <summary>
    /// Registers a watch. From null, "" or "0" it starts with a synthetic ADDED per object; from a version it
    /// replays the history after it, or fails with a 410 ERROR event when that history has been compacted.
    /// </summary>
    public FakeWatch Watch(ResourceType type, string? ns, FakeSelector selector, string? resourceVersion, bool bookmarks)
    {
        lock (_gate)
        {
            var watch = new FakeWatch(type, ns, selector, bookmarks);
            if (resourceVersion is null or "" or "0")
            {
                foreach (var obj in _objects.Values.Where(o => watch.Matches(type, o)))
                {
                    watch.Send("ADDED", obj);
                }
            }
            else if (!long.TryParse(resourceVersion, CultureInfo.InvariantCulture, out var from))
            {
                throw FakeApiError.BadRequest($"invalid resourceVersion '{resourceVersion}'");
            }
            else if (from < _compactedThrough)
            {
                watch.Fail(FakeApiError.Expired($"too old resource version: {from} ({_compactedThrough})"));
                return watch;
            }
            else
            {
                foreach (var e in _history.Where(e => e.ResourceVersion > from && watch.Matches(e.Type, e.Object)))
                {
                    watch.Send(e.EventType, e.Object);
                }
            }

            _watches.Add(watch);
            return watch;
        }
    }

    public void Unregister(FakeWatch watch)
    {
        lock (_gate)
        {
            _watches.Remove(watch);
        }
    }

    /// <summary>Sends a BOOKMARK at the current resourceVersion to every watch that asked for bookmarks.</summary>
    public void SendBookmarks()
    {
        lock (_gate)
        {
            foreach (var watch in _watches.Where(w => w.Bookmarks))
            {
                watch.Send("BOOKMARK", new JsonObject
                {
                    ["kind"] = watch.Type.Kind,
                    ["apiVersion"] = watch.Type.ApiVersion,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = Version(_resourceVersion) },
                });
            }
        }
    }

    /// <summary>Drops the connection of every open watch without ending its stream.</summary>
    public void AbortWatches()
    {
        lock (_gate)
        {
            foreach (var watch in _watches)
            {
                watch.Abort();
            }

            _watches.Clear();
        }
    }

    /// <summary>Ends every open watch with <paramref name="line"/> sent as is (a malformed or unusual event).</summary>
    public void FailWatchesWith(string line)
    {
        lock (_gate)
        {
            foreach (var watch in _watches)
            {
                watch.SendRaw(line);
                watch.Close();
            }

            _watches.Clear();
        }
    }

    /// <summary>Forgets the history up to now, as etcd compaction does: older versions get 410 Gone.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _compactedThrough = _resourceVersion;
            _history.Clear();
        }
    }

    /// <summary>Compacts and sends every open watch a 410 Expired ERROR event mid-stream.</summary>
    public void ExpireWatches()
    {
        lock (_gate)
        {
            Compact();
            foreach (var watch in _watches)
            {
                watch.Fail(FakeApiError.Expired($"too old resource version: {_compactedThrough}"));
            }

            _watches.Clear();
        }
    }

    /// <summary>Ends every open watch without an error, as the server-side watch timeout does.</summary>
    public void CloseWatches()
    {
        lock (_gate)
        {
            foreach (var watch in _watches)
            {
                watch.Close();
            }

            _watches.Clear();
        }
    }
}
