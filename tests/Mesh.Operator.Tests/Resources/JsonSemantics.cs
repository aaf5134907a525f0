using System.Globalization;
using System.Text.Json.Nodes;

namespace Mesh.Operator.Tests.Resources;

/// <summary>
/// Compares JSON documents by meaning: object member order is ignored, and two strings that are the same instant
/// in RFC 3339 (<c>2008-01-01T01:01:01Z</c> and <c>2008-01-01T01:01:01+00:00</c>) are equal.
/// </summary>
internal static class JsonSemantics
{
    /// <summary>The path of the first difference, or null when the documents mean the same.</summary>
    public static string? FirstDifference(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        switch (expected)
        {
            case null:
                return actual is null ? null : path;
            case JsonObject expectedObject:
                if (actual is not JsonObject actualObject || actualObject.Count != expectedObject.Count)
                {
                    return path;
                }

                foreach (var (key, value) in expectedObject)
                {
                    if (!actualObject.TryGetPropertyValue(key, out var other))
                    {
                        return $"{path}.{key}";
                    }

                    if (FirstDifference(value, other, $"{path}.{key}") is { } difference)
                    {
                        return difference;
                    }
                }

                return null;
            case JsonArray expectedArray:
                if (actual is not JsonArray actualArray || actualArray.Count != expectedArray.Count)
                {
                    return path;
                }

                for (var i = 0; i < expectedArray.Count; i++)
                {
                    if (FirstDifference(expectedArray[i], actualArray[i], $"{path}[{i}]") is { } difference)
                    {
                        return difference;
                    }
                }

                return null;
            default:
                if (actual is null)
                {
                    return path;
                }

                if (JsonNode.DeepEquals(expected, actual) || SameInstant(expected, actual))
                {
                    return null;
                }

                return path;
        }
    }

    private static bool SameInstant(JsonNode expected, JsonNode actual) =>
        expected is JsonValue e && actual is JsonValue a &&
        e.TryGetValue<string>(out var x) && a.TryGetValue<string>(out var y) &&
        DateTimeOffset.TryParse(x, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var tx) &&
        DateTimeOffset.TryParse(y, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var ty) &&
        tx == ty;
}
