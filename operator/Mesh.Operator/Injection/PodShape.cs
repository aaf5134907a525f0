using System.Text.Json.Nodes;

namespace Mesh.Operator.Injection;

/// <summary>
/// The structure injection reads from a pod, checked once up front so that the decision and the patch can walk
/// the tree without guarding every step: a pod that fails here is a malformed request, not a server error.
/// </summary>
internal static class PodShape
{
    public static string? Problem(JsonObject pod)
    {
        if (!IsOptional<JsonObject>(pod["metadata"]))
        {
            return "metadata must be an object";
        }

        foreach (var map in (string[])["labels", "annotations"])
        {
            if (!IsOptional<JsonObject>(pod["metadata"]?[map]))
            {
                return $"metadata.{map} must be an object";
            }
        }

        if (!IsOptional<JsonObject>(pod["spec"]))
        {
            return "spec must be an object";
        }

        foreach (var list in (string[])["initContainers", "containers", "volumes"])
        {
            if (!IsListOfObjects(pod["spec"]?[list]))
            {
                return $"spec.{list} must be an array of objects";
            }
        }

        if (pod["spec"]?["containers"] is JsonArray containers
            && containers.Any(c => !IsListOfObjects(c!["ports"])))
        {
            return "spec.containers[].ports must be an array of objects";
        }

        return null;
    }

    private static bool IsOptional<T>(JsonNode? node)
        where T : JsonNode => node is null or T;

    private static bool IsListOfObjects(JsonNode? node) => node is null || (node is JsonArray items && items.All(i => i is JsonObject));
}
