using System.Text.Json.Nodes;

namespace Mesh.Operator.Manifests;

/// <summary>
/// Finds the fields of a manifest that the model dropped: every non-null input field that is missing once the
/// typed object is serialized again. The API server prunes such fields from structural schemas, so they are
/// reported (as warnings) rather than silently ignored.
/// </summary>
internal static class UnknownFields
{
    public static void Find(JsonNode? input, JsonNode? output, string path, List<string> unknown)
    {
        switch (input)
        {
            case JsonObject inObject when output is JsonObject outObject:
                foreach (var (key, value) in inObject)
                {
                    var childPath = FieldPath.Property(path, key);
                    if (value is null)
                    {
                        continue;
                    }

                    if (!outObject.TryGetPropertyValue(key, out var outValue))
                    {
                        unknown.Add(childPath);
                    }
                    else
                    {
                        Find(value, outValue, childPath, unknown);
                    }
                }

                break;
            case JsonArray inArray when output is JsonArray outArray:
                for (var i = 0; i < inArray.Count && i < outArray.Count; i++)
                {
                    Find(inArray[i], outArray[i], FieldPath.Index(path, i), unknown);
                }

                break;
        }
    }
}
