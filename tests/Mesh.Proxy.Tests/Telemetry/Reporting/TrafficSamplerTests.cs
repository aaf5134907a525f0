using Mesh.Api.V1;
using Mesh.Proxy.Hosting;
using Mesh.Proxy.Runtime;
using Mesh.Proxy.Telemetry;
using Mesh.Proxy.Telemetry.Reporting;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.Telemetry.Reporting;

/// <summary>Reports are the difference of the proxy's own request metrics between two samples, encoded as discovery.proto says.</summary>
public sealed class TrafficSamplerTests
{
    private const string Reviews = "reviews.default.svc.cluster.local";

    private readonly ManualTimeProvider _time = new();
    private readonly ProxyMetrics _metrics;

    public TrafficSamplerTests() => _metrics = new ProxyMetrics(new SnapshotHolder(), new ProxyOptions { NodeId = "default/productpage-1", Labels = new Dictionary<string, string> { ["app"] = "productpage" } }, _time);

    [Fact]
    public async Task The_first_sample_is_the_baseline_and_the_next_counts_only_what_came_after()
    {
        var v1 = _metrics.CreateSeries(ProxyMetrics.Outbound, Reviews, "v1", "reviews/split");
        v1.Record(200, 0.003);
        var sampler = Sampler();
        Assert.Null(await sampler.SampleAsync(CancellationToken.None));

        v1.Record(200, 0.003);
        v1.Record(200, 0.2);
        v1.Record(503, 0.02);
        v1.Record(0, 1.5);
        _time.Advance(TimeSpan.FromSeconds(5));
        var report = await sampler.SampleAsync(CancellationToken.None);

        Assert.NotNull(report);
        Assert.Equal("productpage", report.SourceWorkload);
        Assert.Equal(5000u, report.IntervalMs);
        Assert.Equal(ProxyMetrics.DurationBuckets, report.LatencyBoundsSeconds);
        var edge = Assert.Single(report.Edges);
        Assert.Equal((Reviews, "v1", 4ul, 2ul), (edge.DestinationService, edge.DestinationSubset, edge.Requests, edge.Failures));

        // Buckets (upper bounds 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5): 3 ms, 20 ms, 200 ms, 1.5 s.
        Assert.Equal([0ul, 1, 0, 1, 0, 0, 1, 0, 0, 1], edge.LatencyBuckets);
    }

    [Fact]
    public async Task Routes_to_the_same_subset_add_up_and_subsets_and_inbound_traffic_stay_apart()
    {
        var sampler = await PrimedSamplerAsync();
        _metrics.CreateSeries(ProxyMetrics.Outbound, Reviews, "v1", "reviews/split").Record(200, 0.01);
        _metrics.CreateSeries(ProxyMetrics.Outbound, Reviews, "v1", "reviews/jason").Record(200, 0.01);
        _metrics.CreateSeries(ProxyMetrics.Outbound, Reviews, "v2", "reviews/split").Record(200, 0.01);
        _metrics.CreateSeries(ProxyMetrics.Inbound, "productpage.default.svc.cluster.local", "", "inbound").Record(200, 0.01);

        var report = (await sampler.SampleAsync(CancellationToken.None))!;

        Assert.Equal([("v1", 2ul), ("v2", 1ul)], report.Edges.Select(e => (e.DestinationSubset, e.Requests)).ToArray());
    }

    [Fact]
    public async Task Past_the_cap_the_busiest_edges_are_reported_and_the_rest_only_counted()
    {
        var sampler = await PrimedSamplerAsync(maxEdges: 2);
        Record("a", 3);
        Record("b", 1);
        Record("c", 5);

        var report = (await sampler.SampleAsync(CancellationToken.None))!;

        Assert.Equal(["c", "a"], report.Edges.Select(e => e.DestinationSubset).ToArray());
        Assert.Equal(1ul, report.DroppedRequests);
    }

    [Fact]
    public async Task A_series_retired_and_bound_again_counts_from_zero_instead_of_going_negative()
    {
        var sampler = await PrimedSamplerAsync();
        var first = _metrics.CreateSeries(ProxyMetrics.Outbound, Reviews, "v1", "reviews/split");
        for (var i = 0; i < 5; i++)
        {
            first.Record(200, 0.01);
        }

        Assert.Equal(5ul, (await sampler.SampleAsync(CancellationToken.None))!.Edges.Single().Requests);

        first.Retire();
        var again = _metrics.CreateSeries(ProxyMetrics.Outbound, Reviews, "v1", "reviews/split");
        again.Record(200, 0.01);
        again.Record(200, 0.01);

        Assert.Equal(2ul, (await sampler.SampleAsync(CancellationToken.None))!.Edges.Single().Requests);
    }

    [Fact]
    public async Task A_label_value_with_escaped_characters_is_reported_as_it_was_recorded()
    {
        var sampler = await PrimedSamplerAsync();
        _metrics.CreateSeries(ProxyMetrics.Outbound, "odd\"host\\name", "v\n1", "r").Record(200, 0.01);

        var edge = (await sampler.SampleAsync(CancellationToken.None))!.Edges.Single();

        Assert.Equal(("odd\"host\\name", "v\n1"), (edge.DestinationService, edge.DestinationSubset));
    }

    [Fact]
    public async Task A_report_round_trips_through_its_protobuf_encoding_in_a_request_that_is_neither_ack_nor_nack()
    {
        var sampler = await PrimedSamplerAsync();
        Record("v1", 3);
        var request = new ConfigRequest { TrafficReport = (await sampler.SampleAsync(CancellationToken.None))! };

        var decoded = ConfigRequest.Parser.ParseFrom(Google.Protobuf.MessageExtensions.ToByteArray(request));

        Assert.Equal(request, decoded);
        Assert.Equal("", decoded.ResponseNonce);
        Assert.Equal("", decoded.VersionInfo);
        Assert.Null(decoded.ErrorDetail);
    }

    private void Record(string subset, int count)
    {
        var series = _metrics.CreateSeries(ProxyMetrics.Outbound, Reviews, subset, "reviews/" + subset);
        for (var i = 0; i < count; i++)
        {
            series.Record(200, 0.01);
        }
    }

    private TrafficSampler Sampler(int maxEdges = 100) => new(_metrics, _time, "productpage", maxEdges);

    private async Task<TrafficSampler> PrimedSamplerAsync(int maxEdges = 100)
    {
        var sampler = Sampler(maxEdges);
        Assert.Null(await sampler.SampleAsync(CancellationToken.None));
        return sampler;
    }
}
