using System.Diagnostics.Metrics;
using System.Text.Json;
using Mesh.Api.Telemetry;
using Mesh.Testing;

namespace Mesh.Api.Tests.Telemetry;

/// <summary>The exporter's text, read back by an independent parser (parse-prometheus-text-format, through node).</summary>
public sealed class PrometheusExporterTests : IDisposable
{
    private static readonly string Parser = RepositoryPaths.Combine("tests", "Mesh.Api.Tests", "peers", "prometheus", "parse.js");
    private readonly Meter _meter = new("Mesh.Tests.Exporter");
    private readonly PrometheusExporter _exporter;

    public PrometheusExporterTests() => _exporter = new PrometheusExporter(meter => ReferenceEquals(meter, _meter));

    public void Dispose()
    {
        _exporter.Dispose();
        _meter.Dispose();
    }

    [Fact]
    public async Task Counters_sum_per_label_set_and_escape_label_values()
    {
        var requests = _meter.CreateCounter<long>("mesh_requests_total", description: "Requests.");
        requests.Add(2, new KeyValuePair<string, object?>("route", "a"));
        requests.Add(3, new KeyValuePair<string, object?>("route", "a"));
        requests.Add(1, new KeyValuePair<string, object?>("route", "quote\" back\\slash\nnewline"));

        var family = await ParseFamilyAsync("mesh_requests_total");

        Assert.Equal("COUNTER", family.GetProperty("type").GetString());
        Assert.Equal("Requests.", family.GetProperty("help").GetString());
        var values = family.GetProperty("metrics").EnumerateArray()
            .ToDictionary(m => m.GetProperty("labels").GetProperty("route").GetString()!, m => m.GetProperty("value").GetString());
        Assert.Equal("5", values["a"]);
        Assert.Equal("1", values["quote\" back\\slash\nnewline"]);
    }

    [Fact]
    public async Task Histograms_have_cumulative_buckets_sum_and_count_with_advised_boundaries()
    {
        var latency = _meter.CreateHistogram<double>("mesh_latency_seconds", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        latency.Record(0.05);
        latency.Record(0.5);
        latency.Record(5);

        var family = await ParseFamilyAsync("mesh_latency_seconds");

        Assert.Equal("HISTOGRAM", family.GetProperty("type").GetString());
        var metric = family.GetProperty("metrics")[0];
        var buckets = metric.GetProperty("buckets");
        Assert.Equal("1", buckets.GetProperty("0.1").GetString());
        Assert.Equal("2", buckets.GetProperty("1").GetString());
        Assert.Equal("3", buckets.GetProperty("+Inf").GetString());
        Assert.Equal("3", metric.GetProperty("count").GetString());
        Assert.Equal(5.55, double.Parse(metric.GetProperty("sum").GetString()!, System.Globalization.CultureInfo.InvariantCulture), 6);
    }

    [Fact]
    public async Task Gauges_report_the_observed_value_at_scrape_time()
    {
        var connected = 3;
        _meter.CreateObservableGauge("mesh_connected_proxies", () => connected);
        var inFlight = _meter.CreateUpDownCounter<long>("mesh_in_flight");
        inFlight.Add(4);
        inFlight.Add(-1);

        Assert.Equal("3", (await ParseFamilyAsync("mesh_connected_proxies")).GetProperty("metrics")[0].GetProperty("value").GetString());
        connected = 7;
        Assert.Equal("7", (await ParseFamilyAsync("mesh_connected_proxies")).GetProperty("metrics")[0].GetProperty("value").GetString());
        Assert.Equal("GAUGE", (await ParseFamilyAsync("mesh_in_flight")).GetProperty("type").GetString());
    }

    [Fact]
    public void Other_meters_are_not_exported()
    {
        using var other = new Meter("Mesh.Tests.Other");
        other.CreateCounter<long>("other_total").Add(1);

        Assert.DoesNotContain("other_total", _exporter.Scrape(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> ParseFamilyAsync(string name)
    {
        var text = _exporter.Scrape();
        var parsed = await NodeScript.RunAsync(Parser, text);
        Assert.True(parsed.ExitCode == 0, $"the parser rejected the exporter's text: {parsed.Error}\n{text}");
        using var document = JsonDocument.Parse(parsed.Output);
        return document.RootElement.EnumerateArray().Single(family => family.GetProperty("name").GetString() == name).Clone();
    }
}
