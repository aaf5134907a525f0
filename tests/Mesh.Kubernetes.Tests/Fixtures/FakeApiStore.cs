using System.Globalization;
using System.Text.Json.Nodes;
using Mesh.Kubernetes.Client;

namespace Mesh.Kubernetes.Tests.Fixtures;

/// <summary>
/// The state of the fake API server: objects with their resourceVersions from one global counter, the event
/// history watches replay from, and the open watches. All under one lock so that events are totally ordered.
/// </summary>
internal sealed partial class FakeApiStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private readonly List<(long ResourceVersion, ResourceType Type, string EventType, JsonObject Object)> _history = [];
    private readonly List<FakeWatch> _watches = [];
    private readonly TimeProvider _clock;
    private long _resourceVersion = 1000;
    private long _compactedThrough;

    public FakeApiStore(TimeProvider clock) => _clock = clock;

    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    public int OpenWatches
    {
        get
        {
            lock (_gate)
            {
                return _watches.Count;
            }
        }
    }

    public JsonObject Get(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            return (JsonObject)Find(type, ns, name).DeepClone();
        }
    }

    /// <summary>namespace/name → resourceVersion of every stored object of a type: what an informer's cache must equal.</summary>
    public Dictionary<string, string> Versions(ResourceType type)
    {
        lock (_gate)
        {
            return _objects.Where(o => o.Key.StartsWith(Prefix(type), StringComparison.Ordinal))
                .ToDictionary(o => FakeObjects.Namespace(o.Value) is { Length: > 0 } ns ? $"{ns}/{FakeObjects.Name(o.Value)}" : FakeObjects.Name(o.Value)!, o => FakeObjects.ResourceVersion(o.Value)!);
        }
    }

    public (List<JsonObject> Items, string ResourceVersion, string? Continue) List(
        ResourceType type, string? ns, FakeSelector selector, int? limit, string? continueToken, string? resourceVersion)
    {
        lock (_gate)
        {
            var after = "";
            if (!string.IsNullOrEmpty(continueToken))
            {
                var parts = continueToken.Split('|', 2);
                if (parts.Length != 2 || !long.TryParse(parts[0], CultureInfo.InvariantCulture, out var tokenVersion))
                {
                    throw FakeApiError.BadRequest("continue key is not valid");
                }

                if (tokenVersion < _compactedThrough)
                {
                    throw FakeApiError.Expired("The provided continue parameter is too old to display a consistent list result.");
                }

                after = parts[1];
            }
            else if (resourceVersion is { Length: > 0 } and not "0")
            {
                // An exact or not-older-than list of a compacted version cannot be served.
                if (!long.TryParse(resourceVersion, CultureInfo.InvariantCulture, out var asked))
                {
                    throw FakeApiError.BadRequest($"invalid resourceVersion '{resourceVersion}'");
                }

                if (asked < _compactedThrough)
                {
                    throw FakeApiError.Expired($"too old resource version: {asked} ({_compactedThrough})");
                }
            }

            var matching = _objects
                .Where(o => o.Key.StartsWith(Prefix(type), StringComparison.Ordinal) && string.CompareOrdinal(o.Key, after) > 0)
                .Where(o => (ns is null || FakeObjects.Namespace(o.Value) == ns) && selector.Matches(o.Value))
                .ToList();
            var page = limit is > 0 ? matching.Take(limit.Value).ToList() : matching;
            var next = page.Count < matching.Count ? $"{_resourceVersion}|{page[^1].Key}" : null;
            return (page.Select(o => (JsonObject)o.Value.DeepClone()).ToList(), Version(_resourceVersion), next);
        }
    }

    public JsonObject Create(ResourceType type, string? ns, JsonObject obj)
    {
        lock (_gate)
        {
            var metadata = FakeObjects.Metadata(obj);
            if (type.Namespaced)
            {
                var bodyNamespace = FakeObjects.Namespace(obj);
                if (bodyNamespace is not null && bodyNamespace != ns)
                {
                    throw FakeApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
                }

                metadata["namespace"] = ns;
            }

            var name = FakeObjects.Name(obj);
            if (string.IsNullOrEmpty(name))
            {
                var generateName = (metadata["generateName"] as JsonValue)?.GetValue<string>();
                if (string.IsNullOrEmpty(generateName))
                {
                    throw new FakeApiError(422, "Invalid", "metadata.name: Required value: name or generateName is required");
                }

                name = generateName + Guid.NewGuid().ToString("N")[..5];
                metadata["name"] = name;
            }

            if (_objects.ContainsKey(Key(type, ns, name)))
            {
                throw new FakeApiError(409, "AlreadyExists", $"{type.Plural} \"{name}\" already exists");
            }

            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = _clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            metadata["generation"] = 1L;
            obj.Remove("status");
            return Commit(type, ns, name, obj, "ADDED");
        }
    }

    /// <summary>PUT: conditional on metadata.resourceVersion when the body has one.</summary>
    public JsonObject Replace(ResourceType type, string? ns, string name, JsonObject body, bool status)
    {
        lock (_gate)
        {
            var existing = Find(type, ns, name);
            if (FakeObjects.Name(body) is { } bodyName && bodyName != name)
            {
                throw FakeApiError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            }

            var version = FakeObjects.ResourceVersion(body);
            if (!string.IsNullOrEmpty(version) && version != FakeObjects.ResourceVersion(existing))
            {
                throw FakeApiError.Conflict(type.Plural, name);
            }

            return Update(type, ns, name, existing, body, status);
        }
    }

    /// <summary>Writes <paramref name="patched"/> (computed from a copy of the current object) unless stale.</summary>
    public JsonObject Patch(ResourceType type, string? ns, string name, Func<JsonObject?, JsonObject> patch, bool status, bool createIfMissing)
    {
        lock (_gate)
        {
            _objects.TryGetValue(Key(type, ns, name), out var existing);
            if (existing is null)
            {
                if (!createIfMissing)
                {
                    throw FakeApiError.NotFound(type.Plural, name);
                }

                var created = patch(null);
                FakeObjects.Metadata(created)["name"] = name;
                return Create(type, ns, created);
            }

            var result = patch((JsonObject)existing.DeepClone());
            var version = FakeObjects.ResourceVersion(result);
            if (!string.IsNullOrEmpty(version) && version != FakeObjects.ResourceVersion(existing))
            {
                throw FakeApiError.Conflict(type.Plural, name);
            }

            return Update(type, ns, name, existing, result, status);
        }
    }

    public JsonObject Delete(ResourceType type, string? ns, string name, string? precondition)
    {
        lock (_gate)
        {
            var existing = Find(type, ns, name);
            if (precondition is not null && precondition != FakeObjects.ResourceVersion(existing))
            {
                throw FakeApiError.Conflict(type.Plural, name);
            }

            _objects.Remove(Key(type, ns, name));
            var deleted = (JsonObject)existing.DeepClone();
            FakeObjects.SetResourceVersion(deleted, ++_resourceVersion);
            Publish(type, "DELETED", deleted);
            return (JsonObject)deleted.DeepClone();
        }
    }

    private JsonObject Update(ResourceType type, string? ns, string name, JsonObject existing, JsonObject body, bool status)
    {
        JsonObject next;
        if (status)
        {
            // The status subresource writes status only.
            next = (JsonObject)existing.DeepClone();
            next["status"] = body["status"]?.DeepClone();
        }
        else
        {
            next = (JsonObject)body.DeepClone();
            next["status"] = existing["status"]?.DeepClone();
            var metadata = FakeObjects.Metadata(next);
            var old = FakeObjects.Metadata(existing);
            foreach (var systemField in new[] { "uid", "creationTimestamp", "namespace", "name", "generation" })
            {
                metadata[systemField] = old[systemField]?.DeepClone();
            }

            if (!JsonNode.DeepEquals(FakeObjects.Spec(next), FakeObjects.Spec(existing)))
            {
                metadata["generation"] = (old["generation"]?.GetValue<long>() ?? 0) + 1;
            }
        }

        if (next["status"] is null)
        {
            next.Remove("status");
        }

        FakeObjects.SetResourceVersion(next, 0);
        var unchanged = (JsonObject)existing.DeepClone();
        FakeObjects.SetResourceVersion(unchanged, 0);
        if (JsonNode.DeepEquals(next, unchanged))
        {
            // A no-op write does not bump the resourceVersion and sends no event, like the real server.
            return (JsonObject)existing.DeepClone();
        }

        return Commit(type, ns, name, next, "MODIFIED");
    }

    private JsonObject Commit(ResourceType type, string? ns, string name, JsonObject obj, string eventType)
    {
        FakeObjects.SetResourceVersion(obj, ++_resourceVersion);
        obj["apiVersion"] = type.ApiVersion;
        obj["kind"] = type.Kind;
        _objects[Key(type, ns, name)] = obj;
        Publish(type, eventType, obj);
        return (JsonObject)obj.DeepClone();
    }

    private void Publish(ResourceType type, string eventType, JsonObject obj)
    {
        var snapshot = (JsonObject)obj.DeepClone();
        _history.Add((_resourceVersion, type, eventType, snapshot));
        foreach (var watch in _watches.Where(w => w.Matches(type, snapshot)))
        {
            watch.Send(eventType, snapshot);
        }
    }

    private JsonObject Find(ResourceType type, string? ns, string name)
        => _objects.TryGetValue(Key(type, ns, name), out var obj) ? obj : throw FakeApiError.NotFound(type.Plural, name);

    private static string Prefix(ResourceType type) => $"{type.Group}/{type.Plural}|";

    private static string Key(ResourceType type, string? ns, string name) => $"{Prefix(type)}{ns}|{name}";

    private static string Version(long value) => value.ToString(CultureInfo.InvariantCulture);
}
