using Mesh.Api.V1;

namespace Mesh.Operator.Traffic;

/// <summary>The mesh's recent traffic, fed by the proxies' reports, read by the dashboard.</summary>
public interface ITrafficStore
{
    /// <summary>The width of one bucket of history.</summary>
    TimeSpan BucketWidth { get; }

    /// <summary>Adds a report from a proxy of <paramref name="namespace"/> to the current bucket.</summary>
    void Record(string @namespace, TrafficReport report);

    /// <summary>Each edge's totals over the last <paramref name="window"/> (whole buckets, the current one included).</summary>
    IReadOnlyList<EdgeTotals> Edges(TimeSpan window);

    /// <summary>Per subset of <paramref name="service"/>, its totals in each bucket of the window, oldest first.</summary>
    IReadOnlyList<SubsetHistory> History(string service);

    /// <summary>Edges held, and reports of new edges dropped because the store was full.</summary>
    TrafficStoreStats Stats { get; }
}

/// <summary>One edge's totals over a window of <paramref name="Seconds"/>.</summary>
public sealed record EdgeTotals(EdgeKey Edge, TrafficTotals Totals, double Seconds);

/// <summary>One subset's totals per bucket; <paramref name="Start"/> is the start of the first bucket.</summary>
public sealed record SubsetHistory(string Subset, DateTimeOffset Start, IReadOnlyList<TrafficTotals> Buckets);

public sealed record TrafficStoreStats(int Edges, long BytesPerEdge, long DroppedEdgeReports);
