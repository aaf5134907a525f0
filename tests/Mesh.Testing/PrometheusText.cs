using System.Text.Json;
using System.Text.RegularExpressions;

namespace Mesh.Testing;

/// <summary>
/// Reads a /metrics or /stats/prometheus page with an independent parser (parse-prometheus-text-format, through node)
/// and the metric reference of README.md, so that tests compare what is exported with what is documented.
/// </summary>
public static partial class PrometheusText
{
    private static readonly string Parser = RepositoryPaths.Combine("tests", "Mesh.Api.Tests", "peers", "prometheus", "parse.js");

    /// <summary>The families the parser found, by name: their type and the label names of their series.</summary>
    public static async Task<IReadOnlyDictionary<string, Family>> ParseAsync(string text)
    {
        var parsed = await NodeScript.RunAsync(Parser, text);
        if (parsed.ExitCode != 0)
        {
            throw new InvalidDataException($"the parser rejected the text: {parsed.Error}\n{text}");
        }

        using var document = JsonDocument.Parse(parsed.Output);
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        foreach (var family in document.RootElement.EnumerateArray())
        {
            var labels = new SortedSet<string>(StringComparer.Ordinal);
            var series = new List<IReadOnlyDictionary<string, string>>();
            var samples = new List<Sample>();
            foreach (var metric in family.GetProperty("metrics").EnumerateArray())
            {
                var values = new Dictionary<string, string>(StringComparer.Ordinal);
                if (metric.TryGetProperty("labels", out var labelObject))
                {
                    foreach (var label in labelObject.EnumerateObject())
                    {
                        labels.Add(label.Name);
                        values[label.Name] = label.Value.GetString()!;
                    }
                }

                series.Add(values);
                samples.Add(new Sample(values, metric.TryGetProperty("value", out var value) ? value.GetString() : null));
            }

            var name = family.GetProperty("name").GetString()!;
            families[name] = new Family(name, family.GetProperty("type").GetString()!, family.TryGetProperty("help", out var help) ? help.GetString() : null, [.. labels], series, samples);
        }

        return families;
    }

    /// <summary>
    /// README.md's "Metrics:" paragraph, split at "the operator": the proxy's metric names and the operator's, each with
    /// the label names the README gives (null where it gives none).
    /// </summary>
    public static (IReadOnlyDictionary<string, string[]?> Proxy, IReadOnlyDictionary<string, string[]?> Operator) ReadmeReference()
    {
        var readme = File.ReadAllText(RepositoryPaths.Combine("README.md"));
        var start = readme.IndexOf("Metrics: the proxy exports", StringComparison.Ordinal);
        var end = readme.IndexOf("\n\n", start, StringComparison.Ordinal);
        var paragraph = readme[start..end];
        var split = paragraph.IndexOf("the operator", StringComparison.Ordinal);
        return (Names(paragraph[..split]), Names(paragraph[split..]));

        static Dictionary<string, string[]?> Names(string text) => MetricReference().Matches(text).ToDictionary(
            m => m.Groups["name"].Value,
            m => m.Groups["labels"].Success ? m.Groups["labels"].Value.Split(',') : null);
    }

    [GeneratedRegex(@"`(?<name>mesh_[a-z_]+)(\{(?<labels>[a-z_,]+)\})?`")]
    private static partial Regex MetricReference();

    /// <param name="LabelNames">Sorted ordinally; a histogram's <c>le</c> is not among them.</param>
    /// <param name="Series">The label values of each series.</param>
    /// <param name="Values">Each series with its value (null for a histogram's).</param>
    public sealed record Family(
        string Name, string Type, string? Help, IReadOnlyList<string> LabelNames, IReadOnlyList<IReadOnlyDictionary<string, string>> Series, IReadOnlyList<Sample> Values);

    public sealed record Sample(IReadOnlyDictionary<string, string> Labels, string? Value);
}
