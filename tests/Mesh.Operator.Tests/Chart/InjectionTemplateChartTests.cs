using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mesh.Operator.Injection;

namespace Mesh.Operator.Tests.Chart;

/// <summary>The injection template the chart mounts is one the operator accepts, filled from values.yaml.</summary>
public sealed partial class InjectionTemplateChartTests
{
    [Fact]
    public void The_configmaps_template_rendered_with_the_default_values_is_accepted_by_the_operator()
    {
        var values = ChartFiles.Values;
        var template = (string)ChartFiles.Single("injection-configmap.yaml", "ConfigMap")["data"]!["template.yaml"]!;

        var options = RenderTemplate(values);

        Assert.Contains("proxyImage", template, StringComparison.Ordinal);
        Assert.Equal($"{values["proxy"]!["image"]!["repository"]}:{values["proxy"]!["image"]!["tag"]}", options.ProxyImage);
        Assert.Equal("http://mesh-operator.mesh-system.svc:15010", options.DiscoveryAddress);
        Assert.Equal((1337, true), (options.ProxyUid, options.NativeSidecars));
        Assert.Equal((15001, 15006, 15000), (options.OutboundPort, options.InboundPort, options.AdminPort));
        var resources = values["injection"]!["resources"]!;
        Assert.Equal(
            ((string?)resources["cpuRequest"], (string?)resources["memoryRequest"], (string?)resources["cpuLimit"], (string?)resources["memoryLimit"]),
            (options.Resources.CpuRequest, options.Resources.MemoryRequest, options.Resources.CpuLimit, options.Resources.MemoryLimit));

        // Empty by default: the injected proxies keep their own defaults (no export, w3c,b3multi, 5 s reports).
        Assert.All(
            new[] { options.Tracing.OtlpEndpoint, options.Tracing.ZipkinEndpoint, options.Tracing.Propagation, options.TrafficReportInterval },
            value => Assert.True(string.IsNullOrEmpty(value), value));
    }

    [Fact]
    public void Tracing_values_and_the_report_interval_reach_the_template_the_operator_reads()
    {
        var values = ChartFiles.Values;
        values["tracing"] = new JsonObject
        {
            ["otlpEndpoint"] = "http://otel-collector.observability:4318",
            ["zipkinEndpoint"] = "http://zipkin.observability:9411/api/v2/spans",
            ["propagation"] = "b3",
        };
        values["injection"]!["trafficReportInterval"] = "15s";

        var options = RenderTemplate(values);

        Assert.Equal("http://otel-collector.observability:4318", options.Tracing.OtlpEndpoint);
        Assert.Equal("http://zipkin.observability:9411/api/v2/spans", options.Tracing.ZipkinEndpoint);
        Assert.Equal("b3", options.Tracing.Propagation);
        Assert.Equal("15s", options.TrafficReportInterval);
    }

    // nativeSidecars is decided from the cluster's version before this block (HelmChartTests renders that with the
    // real helm); here the cluster is one that has native sidecars.
    private static InjectionOptions RenderTemplate(JsonObject values)
    {
        var raw = File.ReadAllText(Path.Combine(ChartFiles.TemplatesDirectory, "injection-configmap.yaml"));
        var data = raw[(raw.IndexOf("template.yaml: |", StringComparison.Ordinal) + "template.yaml: |".Length)..];
        return InjectionTemplate.Parse(Render(data, values, "mesh-system", new() { ["$nativeSidecars"] = "true" }), "charts/mesh injection-configmap.yaml");
    }

    /// <summary>
    /// Just enough of Helm for this block: <c>{{ .Values.a.b }}</c>, with an optional <c>| quote</c>,
    /// <c>{{ .Release.Namespace }}</c> and the given <c>{{ $variable }}</c>s; anything else fails the test rather than
    /// being guessed.
    /// </summary>
    private static string Render(string block, JsonObject values, string releaseNamespace, Dictionary<string, string> variables)
    {
        var lines = block.Split('\n').TakeWhile(line => line.Length == 0 || line.StartsWith("    ", StringComparison.Ordinal));
        var text = string.Join('\n', lines.Select(line => line.Length >= 4 ? line[4..] : line));
        return Action().Replace(text, match =>
        {
            var expression = match.Groups[1].Value;
            var quote = expression.EndsWith("| quote", StringComparison.Ordinal);
            var path = quote ? expression[..^"| quote".Length].Trim() : expression;
            string value;
            if (path == ".Release.Namespace")
            {
                value = releaseNamespace;
            }
            else if (variables.TryGetValue(path, out var variable))
            {
                value = variable;
            }
            else if (path.StartsWith(".Values.", StringComparison.Ordinal))
            {
                JsonNode? node = values;
                foreach (var part in path[".Values.".Length..].Split('.'))
                {
                    node = node?[part];
                }

                value = node?.ToString() ?? throw new InvalidOperationException($"{path} is not in values.yaml");
            }
            else
            {
                throw new InvalidOperationException($"the test cannot render '{expression}'");
            }

            return quote ? $"\"{value}\"" : value;
        });
    }

    [GeneratedRegex(@"\{\{\s*(.*?)\s*\}\}")]
    private static partial Regex Action();
}
