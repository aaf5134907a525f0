using System.Buffers;

namespace Mesh.Operator.Manifests;

/// <summary>
/// Field paths in the form System.Text.Json reports them, without the leading <c>$</c>: <c>spec.http[0].name</c>,
/// and <c>metadata.labels['app.kubernetes.io/name']</c> for keys that are not plain identifiers.
/// </summary>
public static class FieldPath
{
    private static readonly SearchValues<char> PlainKeyChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");

    public static string Property(string parent, string key)
    {
        if (key.Length > 0 && !key.AsSpan().ContainsAnyExcept(PlainKeyChars))
        {
            return parent.Length == 0 ? key : parent + "." + key;
        }

        return parent + "['" + key + "']";
    }

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>Converts a JsonException path (<c>$.spec.x</c>, <c>$['a.b']</c>) to ours.</summary>
    public static string FromJsonPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
        {
            return "";
        }

        return jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath[1..];
    }
}
