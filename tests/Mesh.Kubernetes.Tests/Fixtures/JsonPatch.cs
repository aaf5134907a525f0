using System.Text.Json.Nodes;

namespace Mesh.Kubernetes.Tests.Fixtures;

/// <summary>The JSON Patch (RFC 6902) the fake API server applies; atomic: on error the document is unchanged.</summary>
internal static class JsonPatch
{
    /// <summary>Returns the patched copy of <paramref name="document"/> (JSON null is C# null).</summary>
    public static JsonNode? Apply(JsonNode? document, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            throw new JsonPatchException("A JSON patch must be an array of operations.");
        }

        var root = document?.DeepClone();
        foreach (var node in operations)
        {
            if (node is not JsonObject operation)
            {
                throw new JsonPatchException("A JSON patch operation must be an object.");
            }

            root = ApplyOperation(root, operation);
        }

        return root;
    }

    private static JsonNode? ApplyOperation(JsonNode? root, JsonObject operation)
    {
        var op = RequiredString(operation, "op");
        var path = JsonPointer.Parse(RequiredString(operation, "path"));
        switch (op)
        {
            case "add":
                return Add(root, path, RequiredValue(operation));
            case "remove":
                Remove(root, path);
                return root;
            case "replace":
                Get(root, path);
                if (path.Count == 0)
                {
                    return RequiredValue(operation);
                }

                Remove(root, path);
                return Add(root, path, RequiredValue(operation));
            case "move":
                {
                    var from = JsonPointer.Parse(RequiredString(operation, "from"));
                    if (path.Count > from.Count && path.Take(from.Count).SequenceEqual(from))
                    {
                        throw new JsonPatchException("'move' cannot move a value into one of its own children.");
                    }

                    if (from.SequenceEqual(path))
                    {
                        Get(root, from);
                        return root;
                    }

                    var value = Remove(root, from);
                    return Add(root, path, value);
                }

            case "copy":
                return Add(root, path, Get(root, JsonPointer.Parse(RequiredString(operation, "from")))?.DeepClone());
            case "test":
                if (!JsonNode.DeepEquals(Get(root, path), RequiredValue(operation)))
                {
                    throw new JsonPatchException($"'test' failed at '{RequiredString(operation, "path")}'.");
                }

                return root;
            default:
                throw new JsonPatchException($"Unknown JSON patch operation '{op}'.");
        }
    }

    private static JsonNode? Add(JsonNode? root, IReadOnlyList<string> path, JsonNode? value)
    {
        if (path.Count == 0)
        {
            return value;
        }

        var parent = Get(root, path.Take(path.Count - 1).ToList());
        var last = path[^1];
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray array:
                var index = last == "-" ? array.Count : JsonPointer.ArrayIndex(last, array.Count + 1);
                array.Insert(index, value);
                break;
            default:
                throw new JsonPatchException($"Cannot add '{last}': its parent is not an object or an array.");
        }

        return root;
    }

    private static JsonNode? Remove(JsonNode? root, IReadOnlyList<string> path)
    {
        if (path.Count == 0)
        {
            throw new JsonPatchException("Cannot remove the whole document.");
        }

        var parent = Get(root, path.Take(path.Count - 1).ToList());
        var last = path[^1];
        switch (parent)
        {
            case JsonObject obj when obj.TryGetPropertyValue(last, out var value):
                obj.Remove(last);
                return value;
            case JsonArray array:
                var index = JsonPointer.ArrayIndex(last, array.Count);
                var removed = array[index];
                array.RemoveAt(index);
                return removed;
            default:
                throw new JsonPatchException($"Cannot remove '{last}': it does not exist.");
        }
    }

    private static JsonNode? Get(JsonNode? root, IReadOnlyList<string> path)
    {
        var current = root;
        foreach (var token in path)
        {
            current = current switch
            {
                JsonObject obj when obj.TryGetPropertyValue(token, out var child) => child,
                JsonArray array => array[JsonPointer.ArrayIndex(token, array.Count)],
                _ => throw new JsonPatchException($"The path segment '{token}' does not exist."),
            };
        }

        return current;
    }

    private static string RequiredString(JsonObject operation, string member)
        => operation.TryGetPropertyValue(member, out var node) && node is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw new JsonPatchException($"A JSON patch operation needs a string '{member}'.");

    private static JsonNode? RequiredValue(JsonObject operation)
        => operation.TryGetPropertyValue("value", out var value)
            ? value?.DeepClone()
            : throw new JsonPatchException("This JSON patch operation needs a 'value'.");
}

/// <summary>RFC 6901 JSON Pointer parsing.</summary>
internal static class JsonPointer
{
    public static IReadOnlyList<string> Parse(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw new JsonPatchException($"The JSON pointer '{pointer}' does not start with '/'.");
        }

        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToList();
    }

    /// <summary>An array index: "0" or digits without a leading zero, below <paramref name="limit"/>.</summary>
    public static int ArrayIndex(string token, int limit)
    {
        var valid = token.Length > 0 && token.All(char.IsAsciiDigit) && (token.Length == 1 || token[0] != '0');
        if (!valid || !int.TryParse(token, out var index) || index >= limit)
        {
            throw new JsonPatchException($"'{token}' is not a valid array index here.");
        }

        return index;
    }
}

internal sealed class JsonPatchException(string message) : Exception(message);
