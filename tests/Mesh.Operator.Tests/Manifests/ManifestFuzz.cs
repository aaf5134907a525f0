using System.Globalization;
using System.Text;
using k8s;
using Mesh.Operator.Manifests;

namespace Mesh.Operator.Tests.Manifests;

/// <summary>What the manifest fuzz tests share: their seed, and the comparison of two reads of one text.</summary>
internal static class ManifestFuzz
{
    /// <summary><c>MESH_FUZZ_SEED</c> when set (to replay a run), else a new one.</summary>
    public static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable("MESH_FUZZ_SEED"), CultureInfo.InvariantCulture, out var seed) ? seed : Random.Shared.Next();

    public static bool HasSyntaxError(ManifestSet set) =>
        set.Problems.Any(p => p.Message.StartsWith("invalid YAML", StringComparison.Ordinal));

    /// <summary>
    /// The first resource or problem in which <paramref name="actual"/> differs from <paramref name="expected"/>, comparing
    /// resources by reference, origin (file, line, every field's line) and content; null when they read the same.
    /// </summary>
    public static string? FirstDifference(ManifestSet expected, ManifestSet actual)
    {
        for (var i = 0; i < Math.Max(expected.Problems.Count, actual.Problems.Count); i++)
        {
            var want = i < expected.Problems.Count ? expected.Problems[i] : null;
            var got = i < actual.Problems.Count ? actual.Problems[i] : null;
            if (want != got)
            {
                return $"problem {i}: expected {want?.ToString() ?? "none"}, got {got?.ToString() ?? "none"}";
            }
        }

        for (var i = 0; i < Math.Max(expected.Resources.Count, actual.Resources.Count); i++)
        {
            var want = i < expected.Resources.Count ? Describe(expected.Resources[i]) : "none";
            var got = i < actual.Resources.Count ? Describe(actual.Resources[i]) : "none";
            if (want != got)
            {
                return $"resource {i}: expected {want}, got {got}";
            }
        }

        return null;
    }

    /// <summary>The text with its control characters and line ends visible, to print a failing case.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '\n' => "\\n\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) || c > '\u007E' => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    private static string Describe(LoadedResource resource) =>
        $"{resource.Ref} {resource.Origin.File}:{resource.Origin.Line} " +
        string.Join(",", resource.Origin.FieldLines.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}")) +
        " " + KubernetesJson.Serialize(resource.Object);
}
