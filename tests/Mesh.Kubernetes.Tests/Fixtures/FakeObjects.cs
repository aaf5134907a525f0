using System.Globalization;
using System.Text.Json.Nodes;

namespace Mesh.Kubernetes.Tests.Fixtures;

/// <summary>Accessors for the metadata of stored objects.</summary>
internal static class FakeObjects
{
    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject metadata)
        {
            return metadata;
        }

        var created = new JsonObject();
        obj["metadata"] = created;
        return created;
    }

    public static string? Name(JsonObject obj) => (obj["metadata"]?["name"] as JsonValue)?.GetValue<string>();

    public static string? Namespace(JsonObject obj) => (obj["metadata"]?["namespace"] as JsonValue)?.GetValue<string>();

    public static string? ResourceVersion(JsonObject obj) => (obj["metadata"]?["resourceVersion"] as JsonValue)?.GetValue<string>();

    public static void SetResourceVersion(JsonObject obj, long resourceVersion)
        => Metadata(obj)["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture);

    /// <summary>Everything but metadata and status: what bumps metadata.generation when it changes.</summary>
    public static JsonObject Spec(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy.Remove("metadata");
        copy.Remove("status");
        return copy;
    }
}
