using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mesh.Operator.Manifests;

namespace Mesh.Operator.Tests.Chart;

/// <summary>
/// Reads charts/mesh without Helm (no helm binary here): plain files parse as they are; a template is read as YAML
/// once its <c>{{ ... }}</c> actions are gone — a line holding only actions is dropped (control flow, includes,
/// <c>toYaml</c> blocks), an inline action becomes <see cref="Placeholder"/>. Both branches of an if/else survive,
/// so the templates keep their branches to list items and whole documents.
/// </summary>
internal static partial class ChartFiles
{
    public const string Placeholder = "TEMPLATED";

    public static string Root => TestPaths.InRepository("charts", "mesh");

    public static string TemplatesDirectory => Path.Combine(Root, "templates");

    public static IReadOnlyList<string> Templates =>
        [.. Directory.GetFiles(TemplatesDirectory, "*.yaml").Order(StringComparer.Ordinal)];

    public static JsonObject Values => ReadPlain(Path.Combine(Root, "values.yaml")).Single();

    public static IReadOnlyList<JsonObject> ReadPlain(string path) => Objects(File.ReadAllText(path));

    /// <summary>The objects of templates/<paramref name="file"/>, actions replaced.</summary>
    public static IReadOnlyList<JsonObject> ReadTemplate(string file) =>
        Objects(Flatten(File.ReadAllText(Path.Combine(TemplatesDirectory, file))));

    public static JsonObject Single(string file, string kind) =>
        ReadTemplate(file).Single(o => (string?)o["kind"] == kind);

    public static string Flatten(string template)
    {
        var kept = template.Split('\n').Where(line => !ActionOnlyLine().IsMatch(line));
        return InlineAction().Replace(string.Join('\n', kept), Placeholder);
    }

    private static List<JsonObject> Objects(string yaml) =>
        [.. YamlJsonReader.Read(yaml).Select(d => d.Root).OfType<JsonObject>()];

    [GeneratedRegex(@"^\s*(\{\{.*?\}\}\s*)+$")]
    private static partial Regex ActionOnlyLine();

    [GeneratedRegex(@"\{\{.*?\}\}")]
    private static partial Regex InlineAction();
}
