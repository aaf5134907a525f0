namespace Mesh.Operator.Traffic;

/// <summary>How much traffic history the operator keeps for its dashboard (<c>/ui</c>), in memory.</summary>
public sealed class TrafficStoreOptions
{
    /// <summary>How far back the store remembers. Default 15 minutes.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The resolution of the history. Default 10 s (90 buckets in the default window).</summary>
    public TimeSpan BucketWidth { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Most edges (source workload, destination service, subset) held at once. Default 5,000, about 33 MB at the
    /// default window (<see cref="EdgeHistory.BytesPerEdge"/>: 6.6 KB each). Past the cap an edge idle for the whole
    /// window makes room; with none, reports for new edges are dropped (and counted) until one does.
    /// </summary>
    public int MaxEdges { get; set; } = 5_000;
}
