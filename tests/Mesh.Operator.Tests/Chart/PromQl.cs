using System.Text.Json.Nodes;
using Mesh.Testing;

namespace Mesh.Operator.Tests.Chart;

/// <summary>
/// PromQL read by Prometheus' own grammar (peers/promql: @prometheus-io/lezer-promql, the parser of Prometheus' web
/// UI), so the dashboards' queries are checked by a parser nobody here wrote.
/// </summary>
internal static class PromQl
{
    private static readonly string Script = TestPaths.InRepository("tests", "Mesh.Operator.Tests", "peers", "promql", "parse.js");

    /// <summary>One result per expression, in order.</summary>
    public static async Task<IReadOnlyList<Parsed>> ParseAsync(IReadOnlyList<string> expressions)
    {
        var result = await NodeScript.RunAsync(Script, new JsonArray([.. expressions.Select(e => (JsonNode)e)]).ToJsonString(), TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, $"parse.js failed ({result.ExitCode}): {result.Error}");
        return [.. JsonNode.Parse(result.Output)!.AsArray().Select(p => new Parsed(Strings(p!["errors"]), Strings(p["metrics"]), Strings(p["labels"])))];

        static string[] Strings(JsonNode? array) => [.. array!.AsArray().Select(s => (string)s!)];
    }

    /// <param name="Errors">Where the grammar found a syntax error; empty when the expression parses.</param>
    /// <param name="Metrics">The metric names the expression selects.</param>
    /// <param name="Labels">The label names its matchers and by/without/on/ignoring clauses use.</param>
    internal sealed record Parsed(string[] Errors, string[] Metrics, string[] Labels);
}
