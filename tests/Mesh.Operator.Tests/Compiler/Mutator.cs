using System.Text.Json.Nodes;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>Random edits of a JSON document: delete a field or list item, set it to null, or change its type.</summary>
internal static class Mutator
{
    private static readonly Func<JsonNode?>[] Replacements =
    [
        () => null,
        () => JsonValue.Create("x"),
        () => JsonValue.Create(""),
        () => JsonValue.Create(0),
        () => JsonValue.Create(-1),
        () => JsonValue.Create(70000),
        () => JsonValue.Create(1.5),
        () => JsonValue.Create(true),
        () => new JsonArray(),
        () => new JsonArray((JsonNode?)null),
        () => new JsonObject(),
        () => new JsonObject { ["x"] = null },
    ];

    /// <summary>Applies <paramref name="count"/> edits and describes them.</summary>
    public static string Apply(JsonObject document, Random random, int count)
    {
        var edits = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var slots = new List<(JsonNode Parent, string? Key, int Index, string Path)>();
            Collect(document, "", slots);
            if (slots.Count == 0)
            {
                break;
            }

            var (parent, key, index, path) = slots[random.Next(slots.Count)];
            var delete = random.Next(4) == 0;
            var replacement = delete ? null : Replacements[random.Next(Replacements.Length)]();
            switch (parent)
            {
                case JsonObject obj when delete:
                    obj.Remove(key!);
                    break;
                case JsonObject obj:
                    obj[key!] = replacement;
                    break;
                case JsonArray array when delete:
                    array.RemoveAt(index);
                    break;
                case JsonArray array:
                    array[index] = replacement;
                    break;
            }

            edits.Add(delete ? $"delete {path}" : $"{path} = {replacement?.ToJsonString() ?? "null"}");
        }

        return string.Join("; ", edits);
    }

    // Every field and list item below the root, except apiVersion and kind (which only decide whether a document is read).
    private static void Collect(JsonNode node, string path, List<(JsonNode, string?, int, string)> slots)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    if (path.Length == 0 && key is "apiVersion" or "kind")
                    {
                        continue;
                    }

                    var childPath = path.Length == 0 ? key : $"{path}.{key}";
                    slots.Add((obj, key, -1, childPath));
                    if (child is not null)
                    {
                        Collect(child, childPath, slots);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    slots.Add((array, null, i, $"{path}[{i}]"));
                    if (array[i] is { } item)
                    {
                        Collect(item, $"{path}[{i}]", slots);
                    }
                }

                break;
        }
    }
}
