using Mesh.Api.V1;
using Mesh.Operator.Traffic;
using Mesh.Testing;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.Tests.Traffic;

/// <summary>The operator's traffic store on a manual clock: its window, its buckets and its bounds.</summary>
public sealed class TrafficStoreTests
{
    private const string Reviews = "reviews.default.svc.cluster.local";

    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void Reports_in_one_ten_second_bucket_add_up_and_the_next_bucket_starts_afresh()
    {
        var store = Store();
        AlignToBucket();
        store.Record("default", Report(("v1", 10, 1)));
        _time.Advance(TimeSpan.FromSeconds(5));
        store.Record("default", Report(("v1", 5, 0)));
        _time.Advance(TimeSpan.FromSeconds(5));
        store.Record("default", Report(("v1", 7, 0)));

        var history = Assert.Single(store.History(Reviews));
        Assert.Equal("v1", history.Subset);
        Assert.Equal(90, history.Buckets.Count);
        Assert.Equal([15L, 7], history.Buckets.TakeLast(2).Select(b => b.Requests));
        Assert.Equal(1, history.Buckets[^2].Failures);
        var edge = Assert.Single(store.Edges(TimeSpan.FromSeconds(20)));
        Assert.Equal(new EdgeKey("default/productpage", Reviews, "v1"), edge.Edge);
        Assert.Equal(22, edge.Totals.Requests);

        // The newest bucket has just begun: the window covers one whole bucket and none of the current one.
        Assert.Equal(10, edge.Seconds);
    }

    [Fact]
    public void A_rate_counts_only_the_elapsed_part_of_the_bucket_still_filling()
    {
        var store = Store();
        AlignToBucket();
        store.Record("default", Report(("v1", 100, 0)));
        _time.Advance(TimeSpan.FromSeconds(10));
        store.Record("default", Report(("v1", 40, 0)));
        _time.Advance(TimeSpan.FromSeconds(4));

        var edge = Assert.Single(store.Edges(TimeSpan.FromSeconds(20)));
        Assert.Equal(140, edge.Totals.Requests);
        Assert.Equal(14, edge.Seconds);
        Assert.Equal(10, edge.Totals.Requests / edge.Seconds);
    }

    [Fact]
    public void Traffic_stays_for_fifteen_minutes_and_then_leaves_the_window_and_the_store()
    {
        var store = Store();
        AlignToBucket();
        store.Record("default", Report(("v1", 10, 0)));

        _time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(10));
        Assert.Equal(10, Assert.Single(store.Edges(TimeSpan.FromMinutes(15))).Totals.Requests);
        Assert.Equal(10, store.History(Reviews).Single().Buckets[0].Requests);
        Assert.Empty(store.Edges(TimeSpan.FromMinutes(1)));

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Empty(store.Edges(TimeSpan.FromMinutes(15)));
        Assert.Equal(0, store.Stats.Edges);
        Assert.Empty(store.History(Reviews));
    }

    [Fact]
    public void Past_its_edge_cap_the_store_drops_reports_of_new_edges_until_an_idle_edge_makes_room()
    {
        var store = Store(maxEdges: 2);
        store.Record("default", Report(("v1", 1, 0), ("v2", 1, 0)));
        _time.Advance(TimeSpan.FromMinutes(10));
        store.Record("default", Report(("v2", 1, 0), ("v3", 4, 0)));

        Assert.Equal(2, store.Stats.Edges);
        Assert.Equal(1, store.Stats.DroppedEdgeReports);
        Assert.DoesNotContain(store.Edges(TimeSpan.FromMinutes(15)), e => e.Edge.Subset == "v3");

        // v1 has been idle for the whole window: it makes room for v3; v2 reported since and stays.
        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(10));
        store.Record("default", Report(("v3", 4, 0)));

        Assert.Equal(["v2", "v3"], store.Edges(TimeSpan.FromMinutes(15)).Select(e => e.Edge.Subset).Order().ToArray());
    }

    [Fact]
    public void Memory_per_edge_is_fixed_by_the_window_and_the_bucket_width()
    {
        // 90 buckets: 90 epochs (8 B) and 90 × 16 counters (4 B) plus the headers of two arrays and the object.
        Assert.Equal(90 * 8 + (90 * 16 * 4) + 136, Store().Stats.BytesPerEdge);
        Assert.InRange(Store().Stats.BytesPerEdge, 6_000, 7_000);
    }

    [Fact]
    public void Quantiles_interpolate_inside_their_bucket_as_histogram_quantile_does()
    {
        var store = Store();
        var report = Report(("v1", 100, 0));

        // 50 requests under 1 ms, 40 in (5, 10] ms, 10 in (25, 50] ms.
        report.Edges[0].LatencyBuckets.Add([50, 0, 40, 0, 10]);
        store.Record("default", report);
        var totals = store.Edges(TimeSpan.FromMinutes(1)).Single().Totals;

        Assert.Equal(0.001, totals.QuantileSeconds(0.5)!.Value, 6);
        Assert.Equal(0.005 + (0.005 * 40 / 40), totals.QuantileSeconds(0.9)!.Value, 6);
        Assert.Equal(0.025 + (0.025 * 9 / 10), totals.QuantileSeconds(0.99)!.Value, 6);
        Assert.Equal(100, totals.SuccessPercent);
    }

    [Fact]
    public void A_report_with_other_latency_bounds_is_folded_into_the_buckets_that_hold_them()
    {
        var store = Store();
        var report = Report(("v1", 3, 0));
        report.LatencyBoundsSeconds.Clear();
        report.LatencyBoundsSeconds.Add([0.002, 0.1]);
        report.Edges[0].LatencyBuckets.Add([1, 1, 1]);
        store.Record("default", report);

        var latency = store.Edges(TimeSpan.FromMinutes(1)).Single().Totals.Latency;

        Assert.Equal(1, latency[Array.IndexOf(LatencyHistogram.Bounds, 0.005)]);
        Assert.Equal(1, latency[Array.IndexOf(LatencyHistogram.Bounds, 0.1)]);
        Assert.Equal(1, latency[^1]);
    }

    private TrafficStore Store(int maxEdges = 5_000) => new(Options.Create(new TrafficStoreOptions { MaxEdges = maxEdges }), _time);

    private void AlignToBucket()
    {
        var intoBucket = _time.GetUtcNow().ToUnixTimeMilliseconds() % 10_000;
        _time.Advance(TimeSpan.FromMilliseconds(intoBucket == 0 ? 0 : 10_000 - intoBucket));
    }

    private static TrafficReport Report(params (string Subset, ulong Requests, ulong Failures)[] edges)
    {
        var report = new TrafficReport { SourceWorkload = "productpage", IntervalMs = 5000 };
        report.LatencyBoundsSeconds.Add(LatencyHistogram.Bounds);
        foreach (var (subset, requests, failures) in edges)
        {
            report.Edges.Add(new TrafficEdge { DestinationService = Reviews, DestinationSubset = subset, Requests = requests, Failures = failures });
        }

        return report;
    }
}
