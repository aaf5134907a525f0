namespace Mesh.Proxy.Telemetry.Reporting;

/// <summary>How the proxy reports its traffic to the operator over the config stream (Node.reports_traffic).</summary>
public sealed class TrafficReportOptions
{
    /// <summary>
    /// How often a report is sent. Default 5 s: the operator's dashboard keeps 10 s buckets, so two reports land in
    /// each. <see cref="TimeSpan.Zero"/> turns reporting off (the node then does not claim the capability).
    /// </summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Most edges (destination service and subset) in one report, the busiest first. Default 100; the requests of the
    /// edges past the cap are only counted in the report's dropped_requests.
    /// </summary>
    public int MaxEdges { get; set; } = 100;
}
