using Mesh.Operator.Traffic;

namespace Mesh.Operator.Ui;

/// <summary><c>/ui/api/services/{host}</c>: the golden metrics of one service over the store's window, per subset.</summary>
internal static class ServiceView
{
    public static ServiceDocument Build(string service, IReadOnlyList<SubsetHistory> subsets, TimeSpan bucketWidth)
    {
        var seconds = bucketWidth.TotalSeconds;
        return new ServiceDocument(
            service,
            GraphView.ShortName(service),
            seconds,
            subsets.Select(subset => new SubsetSeries(
                subset.Subset,
                subset.Buckets.Select((totals, i) => new ServicePoint(
                    subset.Start + (bucketWidth * i),
                    totals.Requests,
                    Math.Round(totals.Requests / seconds, 2),
                    GraphView.Round(totals.SuccessPercent),
                    GraphView.Milliseconds(totals.QuantileSeconds(0.5)),
                    GraphView.Milliseconds(totals.QuantileSeconds(0.95)),
                    GraphView.Milliseconds(totals.QuantileSeconds(0.99)))).ToList())).ToList());
    }
}

internal sealed record ServiceDocument(string Service, string Label, double BucketSeconds, IReadOnlyList<SubsetSeries> Subsets);

internal sealed record SubsetSeries(string Subset, IReadOnlyList<ServicePoint> Points);

internal sealed record ServicePoint(DateTimeOffset Start, long Requests, double Rps, double? SuccessPercent, double? P50Ms, double? P95Ms, double? P99Ms);
