using System.Text.Json;
using k8s;
using k8s.Models;
using Mesh.Kubernetes.Models;

namespace Mesh.Kubernetes.Client;

/// <summary>Parses one line of a watch stream: <c>{"type":"ADDED","object":{...}}</c>.</summary>
internal static class WatchEventParser
{
    public static WatchEvent<T> Parse<T>(string line)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        RawEvent? raw;
        try
        {
            raw = JsonSerializer.Deserialize<RawEvent>(line, KubernetesJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"A watch event is not valid JSON: {e.Message}", e);
        }

        if (raw?.Type is null || raw.Object.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("A watch event lacks its type or object.");
        }

        var type = raw.Type switch
        {
            "ADDED" => WatchEventType.Added,
            "MODIFIED" => WatchEventType.Modified,
            "DELETED" => WatchEventType.Deleted,
            "BOOKMARK" => WatchEventType.Bookmark,
            "ERROR" => WatchEventType.Error,
            _ => throw new InvalidDataException($"Unknown watch event type '{raw.Type}'."),
        };

        try
        {
            return type == WatchEventType.Error
                ? new WatchEvent<T>(type, null, raw.Object.Deserialize<Status>(KubernetesJson.Options))
                : new WatchEvent<T>(type, raw.Object.Deserialize<T>(KubernetesJson.Options));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The object of a {raw.Type} watch event does not fit {typeof(T).Name}: {e.Message}", e);
        }
    }

    private sealed class RawEvent
    {
        public string? Type { get; set; }

        public JsonElement Object { get; set; }
    }
}
