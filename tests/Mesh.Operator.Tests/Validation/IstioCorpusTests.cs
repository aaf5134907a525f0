using System.Globalization;
using System.Text;
using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;
using Mesh.Operator.Validation;
using Xunit.Abstractions;
using YamlDotNet.Serialization;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Validation;

/// <summary>
/// Runs every case of the Istio corpus (<c>IstioCorpus/*.yaml</c>, one per case of Istio's validation test tables)
/// through the compile that <c>analyze</c> runs and asserts that Mesh's verdict is Istio's, printing the agreement
/// per table. Cases marked <c>left</c> are run and printed but not asserted; their reason is in the data.
/// </summary>
public sealed class IstioCorpusTests(ITestOutputHelper output)
{
    private static readonly string CorpusFolder = Path.Combine(TestPaths.TestProject, "Validation", "IstioCorpus");

    [Fact]
    public void Analyze_agrees_with_Istio_on_every_case_of_its_validation_tables()
    {
        var cases = Load();
        Assert.True(cases.Count > 200, $"the corpus has {cases.Count} cases");

        var outcomes = cases.Select(c => (Case: c, Verdict: Run(c))).ToList();
        var report = new StringBuilder();
        foreach (var table in outcomes.GroupBy(o => o.Case.Table))
        {
            var asserted = table.Where(o => o.Case.Left is null).ToList();
            var agreed = asserted.Count(o => o.Verdict.Kind == o.Case.Istio);
            report.AppendLine(CultureInfo.InvariantCulture, $"{table.Key}: {agreed}/{asserted.Count} agree, {table.Count() - asserted.Count} left");
        }

        var asserting = outcomes.Where(o => o.Case.Left is null).ToList();
        var disagreements = asserting.Where(o => o.Verdict.Kind != o.Case.Istio).ToList();
        report.AppendLine(CultureInfo.InvariantCulture, $"total: {asserting.Count - disagreements.Count}/{asserting.Count} agree, {outcomes.Count - asserting.Count} left");
        foreach (var (c, verdict) in outcomes.Where(o => o.Case.Left is not null))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"left: {c.Table} '{c.Name}': Istio {c.Istio}, Mesh {verdict.Kind} ({c.Left})");
        }

        foreach (var (c, verdict) in disagreements)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"DISAGREE: {c.Table} '{c.Name}': Istio {c.Istio}, Mesh {verdict.Kind}: {verdict.Detail}");
        }

        output.WriteLine(report.ToString());
        Assert.True(disagreements.Count == 0, report.ToString());
    }

    private static List<CorpusCase> Load()
    {
        var deserializer = new DeserializerBuilder().Build();
        return [.. Directory.GetFiles(CorpusFolder, "*.yaml").Order(StringComparer.Ordinal)
            .SelectMany(file => deserializer.Deserialize<List<Dictionary<string, string>>>(File.ReadAllText(file)))
            .Select(CorpusCase.From)];
    }

    private static (string Kind, string Detail) Run(CorpusCase c)
    {
        var set = ManifestLoader.LoadText("case.yaml", ValidationHarness.Mesh + c.Resource());
        var compiled = MeshCompiler.Compile(set.ToSnapshot());
        var result = compiled.Results.SingleOrDefault(r => r.Resource == new ResourceRef(c.Kind, "default", "test"));

        // Istio validates a resource alone: what the small test mesh lacks (hosts, subsets, endpoints) or another
        // resource holds already is not the resource's fault.
        var own = set.Problems.Select(p => p.Diagnostic ?? new Diagnostic(new ResourceRef(c.Kind, "default", "test"), "", DiagnosticSeverity.Error, p.Message))
            .Concat(result?.Diagnostics ?? [])
            .Where(d => d.Category == DiagnosticCategory.Invalid && !MeshDependent.Any(m => d.Message.Contains(m, StringComparison.Ordinal)))
            .ToList();
        var detail = string.Join(" | ", own);
        if (own.Exists(d => d.IsError))
        {
            return ("invalid", detail);
        }

        // Istio's valid means no error: Mesh also warns about what the sidecar does not apply, which Istio has no
        // reason to. Istio's warning needs Mesh's at the same field (and saying the same, where the case says what).
        var warned = own.Exists(d => (c.Warns is null || d.Path == c.Warns) && (c.Says is null || d.Message.Contains(c.Says, StringComparison.Ordinal)));
        return (c.Istio == "warning" && warned ? "warning" : "valid", detail);
    }

    private static readonly string[] MeshDependent = ["is not a service in the mesh", "selects no endpoint"];

    private sealed record CorpusCase(string Table, string Name, string Istio, string? Left, string? Warns, string? Says, string Shape, string Body)
    {
        public string Kind => Shape is "policy" or "dr" ? "DestinationRule" : "VirtualService";

        public static CorpusCase From(Dictionary<string, string> entry)
        {
            var shape = new[] { "rule", "http", "vs", "policy", "dr" }.Single(entry.ContainsKey);
            return new CorpusCase(
                entry["table"], entry["case"], entry["istio"], entry.GetValueOrDefault("left"), entry.GetValueOrDefault("warns"), entry.GetValueOrDefault("says"), shape, Expand(entry[shape]));
        }

        public string Resource() => Shape switch
        {
            "rule" => Rule(Body),
            "http" => Vs + "  hosts: [reviews]\n  http:\n  - " + Body + "\n",
            "vs" => Vs.TrimEnd() + " " + Body + "\n",
            "policy" => Dr.TrimEnd() + " {host: multi, trafficPolicy: " + Body + "}\n",
            _ => Dr.TrimEnd() + " " + Body + "\n",
        };

        // Bodies too large to write out: '@repeat:C:N' is N times C, '@base64:C:N' the same in base64.
        private static string Expand(string body)
        {
            var start = Math.Max(body.IndexOf("'@repeat:", StringComparison.Ordinal), body.IndexOf("'@base64:", StringComparison.Ordinal));
            if (start < 0)
            {
                return body;
            }

            var end = body.IndexOf('\'', start + 1);
            var parts = body[(start + 2)..end].Split(':');
            var text = new string(parts[1][0], int.Parse(parts[2], CultureInfo.InvariantCulture));
            var value = parts[0] == "base64" ? Convert.ToBase64String(Encoding.ASCII.GetBytes(text)) : text;
            return body[..start] + value + body[(end + 1)..];
        }
    }
}
