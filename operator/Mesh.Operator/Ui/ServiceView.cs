using Mesh.Operator.Traffic;

namespace Mesh.Operator.Ui;

/// <summary><c>/ui/api/services/{host}</c>: the golden metrics of one service over the store's window, per subset.</summary>
internal static class ServiceView
{
    public static ServiceDocument Build(string service, IReadOnlyList<SubsetHistory> subsets, TimeSpan bucketWidth, DateTimeOffset now) =>
        new(
            service,
            GraphView.ShortName(service),
            bucketWidth.TotalSeconds,
            subsets.Select(subset => new SubsetSeries(
                subset.Subset,
                subset.Buckets.Select((totals, i) =>
                {
                    var start = subset.Start + (bucketWidth * i);
                    return new ServicePoint(
                        start,
                        totals.Requests,
                        Math.Round(totals.Requests / ElapsedSeconds(start, bucketWidth, now), 2),
                        GraphView.Round(totals.SuccessPercent),
                        GraphView.Milliseconds(totals.QuantileSeconds(0.5)),
                        GraphView.Milliseconds(totals.QuantileSeconds(0.95)),
                        GraphView.Milliseconds(totals.QuantileSeconds(0.99)));
                }).ToList())).ToList());

    // The newest bucket is still filling: its requests came in the time elapsed so far, not in a whole bucket width (as
    // the graph's window, see TrafficStore.Edges). At least one second, so a bucket just begun divides sanely.
    private static double ElapsedSeconds(DateTimeOffset start, TimeSpan width, DateTimeOffset now) =>
        Math.Clamp((now - start).TotalSeconds, Math.Min(1, width.TotalSeconds), width.TotalSeconds);
}

internal sealed record ServiceDocument(string Service, string Label, double BucketSeconds, IReadOnlyList<SubsetSeries> Subsets);

internal sealed record SubsetSeries(string Subset, IReadOnlyList<ServicePoint> Points);

internal sealed record ServicePoint(DateTimeOffset Start, long Requests, double Rps, double? SuccessPercent, double? P50Ms, double? P95Ms, double? P99Ms);
