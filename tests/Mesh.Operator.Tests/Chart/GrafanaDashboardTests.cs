using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mesh.Testing;

namespace Mesh.Operator.Tests.Chart;

/// <summary>
/// The Grafana dashboards of charts/mesh/dashboards: well-formed dashboards whose every panel reads the
/// <c>${datasource}</c> variable, and whose every query parses as PromQL and selects only metrics the operator and
/// the proxy export (README.md's metrics reference, which LocalModeTests and ProxyMetricsExportTests check against
/// the real <c>/metrics</c> and <c>/stats/prometheus</c>), with label names they carry.
/// </summary>
public sealed partial class GrafanaDashboardTests
{
    /// <summary>Labels Prometheus adds to every series of a target that prometheus-operator's monitors define.</summary>
    private static readonly string[] TargetLabels = ["namespace", "pod", "container", "service", "endpoint", "job", "instance"];

    private static readonly string[] HistogramSuffixes = ["_bucket", "_sum", "_count"];

    public static TheoryData<string> Files => [.. FileNames];

    private static IEnumerable<string> FileNames =>
        Directory.GetFiles(Path.Combine(ChartFiles.Root, "dashboards"), "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);

    [Fact]
    public void The_chart_ships_the_services_workloads_and_control_plane_dashboards_with_distinct_uids()
    {
        var dashboards = FileNames.Select(Read).ToList();

        Assert.Equal(["mesh-control-plane", "mesh-services", "mesh-workloads"], dashboards.Select(d => (string?)d["uid"]).Order(StringComparer.Ordinal));
        Assert.Equal(dashboards.Count, dashboards.Select(d => (string?)d["title"]).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_panel_and_query_variable_reads_the_datasource_variable_and_has_a_place_on_the_grid(string file)
    {
        var dashboard = Read(file);

        Assert.Matches(Uid(), (string)dashboard["uid"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)dashboard["title"]));
        Assert.True((int)dashboard["schemaVersion"]! >= 36, "schemaVersion 36 (Grafana 9) introduced datasource references by uid");
        var variables = dashboard["templating"]!["list"]!.AsArray().Select(v => v!.AsObject()).ToList();
        var datasource = Assert.Single(variables, v => (string?)v["type"] == "datasource");
        Assert.Equal(("datasource", "prometheus"), ((string?)datasource["name"], (string?)datasource["query"]));
        Assert.All(variables.Where(v => (string?)v["type"] == "query"), v => AssertReadsDatasource(v, $"variable {v["name"]}"));

        var panels = dashboard["panels"]!.AsArray().Select(p => p!.AsObject()).ToList();
        Assert.Equal(panels.Count, panels.Select(p => (int)p["id"]!).Distinct().Count());
        var occupied = new HashSet<(int X, int Y)>();
        foreach (var panel in panels)
        {
            var where = $"panel {panel["id"]} '{panel["title"]}'";
            var grid = panel["gridPos"]!;
            var (x, y, w, h) = ((int)grid["x"]!, (int)grid["y"]!, (int)grid["w"]!, (int)grid["h"]!);
            Assert.True(x >= 0 && w > 0 && x + w <= 24 && h > 0, $"{where} lies outside Grafana's 24-column grid");
            for (var column = x; column < x + w; column++)
            {
                for (var row = y; row < y + h; row++)
                {
                    Assert.True(occupied.Add((column, row)), $"{where} overlaps another panel at ({column}, {row})");
                }
            }

            if ((string?)panel["type"] == "row")
            {
                continue;
            }

            Assert.False(string.IsNullOrWhiteSpace((string?)panel["title"]), $"{where} has no title");
            AssertReadsDatasource(panel, where);
            var targets = panel["targets"]!.AsArray().Select(t => t!.AsObject()).ToList();
            Assert.NotEmpty(targets);
            Assert.Equal(targets.Count, targets.Select(t => (string?)t["refId"]).Distinct().Count());
            Assert.All(targets, t => AssertReadsDatasource(t, $"{where} target {t["refId"]}"));
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Every_query_parses_as_promql_and_selects_only_exported_metrics_and_their_labels(string file)
    {
        var queries = Queries(Read(file)).ToList();
        var (proxy, @operator) = PrometheusText.ReadmeReference();
        var reference = proxy.Concat(@operator).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

        var parsed = await PromQl.ParseAsync([.. queries.Select(q => q.Expression)]);

        var problems = new List<string>();
        foreach (var ((where, expression, extraLabel), result) in queries.Zip(parsed))
        {
            problems.AddRange(result.Errors.Select(e => $"{where}: syntax error {e}"));
            if (result.Metrics.Length == 0)
            {
                problems.Add($"{where}: selects no metric");
            }

            var allowed = new HashSet<string>(TargetLabels, StringComparer.Ordinal);
            var anyUnlisted = false;
            foreach (var metric in result.Metrics)
            {
                if (Family(metric, reference) is not { } family)
                {
                    problems.Add($"{where}: {metric} is not a metric the operator or the proxy exports");
                    continue;
                }

                if (metric.EndsWith("_bucket", StringComparison.Ordinal))
                {
                    allowed.Add("le");
                }

                // README gives no label names for the histograms (their buckets carry more labels than their families list).
                anyUnlisted |= reference[family] is null;
                allowed.UnionWith(reference[family] ?? []);
            }

            if (!anyUnlisted)
            {
                problems.AddRange(result.Labels.Append(extraLabel).OfType<string>().Where(l => !allowed.Contains(l)).Select(l => $"{where}: label {l} is not on {string.Join(", ", result.Metrics)}"));
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.NotEmpty(queries);
    }

    /// <summary>The README family a selected metric belongs to: itself, or a histogram's family for its _bucket, _sum and _count series.</summary>
    private static string? Family(string metric, IReadOnlyDictionary<string, string[]?> reference)
    {
        if (reference.ContainsKey(metric))
        {
            return metric;
        }

        var suffix = HistogramSuffixes.FirstOrDefault(s => metric.EndsWith(s, StringComparison.Ordinal));
        var family = suffix is null ? null : metric[..^suffix.Length];
        return family is not null && reference.ContainsKey(family) && !family.EndsWith("_total", StringComparison.Ordinal) ? family : null;
    }

    /// <summary>Every PromQL expression of a dashboard: its panels' targets, and the series selectors of its label_values variables with the label they list.</summary>
    private static IEnumerable<(string Where, string Expression, string? Label)> Queries(JsonObject dashboard)
    {
        foreach (var variable in dashboard["templating"]!["list"]!.AsArray().Where(v => (string?)v!["type"] == "query"))
        {
            var query = (string)variable!["query"]!["query"]!;
            var match = LabelValues().Match(query);
            Assert.True(match.Success, $"variable {variable["name"]}: {query} is not label_values(SELECTOR, LABEL)");
            yield return ($"variable {variable["name"]}", match.Groups["selector"].Value, match.Groups["label"].Value);
        }

        foreach (var panel in dashboard["panels"]!.AsArray().Where(p => (string?)p!["type"] != "row"))
        {
            foreach (var target in panel!["targets"]!.AsArray())
            {
                yield return ($"panel '{panel["title"]}' target {target!["refId"]}", (string)target["expr"]!, null);
            }
        }
    }

    private static void AssertReadsDatasource(JsonObject node, string where)
    {
        var datasource = node["datasource"];
        Assert.True(
            (string?)datasource?["type"] == "prometheus" && (string?)datasource["uid"] == "${datasource}",
            $"{where}: datasource is {datasource?.ToJsonString() ?? "missing"}, not the ${{datasource}} variable");
    }

    private static JsonObject Read(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(ChartFiles.Root, "dashboards", file)))!.AsObject();

    // Grafana's own rule for a dashboard uid: at most 40 characters of letters, digits, '-' and '_'.
    [GeneratedRegex("^[a-zA-Z0-9_-]{1,40}$")]
    private static partial Regex Uid();

    [GeneratedRegex(@"^label_values\((?<selector>.+),\s*(?<label>[a-zA-Z_][a-zA-Z0-9_]*)\)$")]
    private static partial Regex LabelValues();
}
