using Mesh.Operator.Traffic;

namespace Mesh.Operator.Ui;

/// <summary>
/// The service graph of <c>/ui/api/graph</c>: workloads call services, services split into subsets. A workload's edge
/// to a service sums its subsets; a service's edge to a subset sums every caller and carries its share, so a canary
/// split reads off the graph.
/// </summary>
internal static class GraphView
{
    public static GraphDocument Build(IReadOnlyList<EdgeTotals> edges, TrafficStoreStats stats, double windowSeconds)
    {
        var nodes = new SortedDictionary<string, GraphNode>(StringComparer.Ordinal);
        var calls = new Dictionary<(string Source, string Target), TrafficTotals>();
        foreach (var edge in edges)
        {
            var workload = "workload:" + edge.Edge.Source;
            var service = "service:" + edge.Edge.Service;
            nodes.TryAdd(workload, new GraphNode(workload, "workload", edge.Edge.Source.Split('/')[^1], edge.Edge.Source, null));
            nodes.TryAdd(service, new GraphNode(service, "service", ShortName(edge.Edge.Service), edge.Edge.Service, null));
            Sum(calls, (workload, service), edge.Totals);
            if (edge.Edge.Subset.Length > 0)
            {
                var subset = $"subset:{edge.Edge.Service}/{edge.Edge.Subset}";
                nodes.TryAdd(subset, new GraphNode(subset, "subset", $"{ShortName(edge.Edge.Service)} {edge.Edge.Subset}", edge.Edge.Service, edge.Edge.Subset));
                Sum(calls, (service, subset), edge.Totals);
            }
        }

        var intoService = calls.Where(c => c.Key.Source.StartsWith("workload:", StringComparison.Ordinal))
            .GroupBy(c => c.Key.Target)
            .ToDictionary(g => g.Key, g => g.Sum(c => c.Value.Requests), StringComparer.Ordinal);
        var graphEdges = calls
            .OrderBy(c => c.Key.Source, StringComparer.Ordinal)
            .ThenBy(c => c.Key.Target, StringComparer.Ordinal)
            .Select(c =>
            {
                double? share = c.Key.Source.StartsWith("service:", StringComparison.Ordinal) && intoService.GetValueOrDefault(c.Key.Source) is > 0 and var total
                    ? Math.Round(100.0 * c.Value.Requests / total, 1)
                    : null;
                return new GraphEdge(
                    c.Key.Source,
                    c.Key.Target,
                    c.Value.Requests,
                    c.Value.Failures,
                    Math.Round(c.Value.Requests / windowSeconds, 2),
                    Round(c.Value.SuccessPercent),
                    Milliseconds(c.Value.QuantileSeconds(0.5)),
                    Milliseconds(c.Value.QuantileSeconds(0.95)),
                    Milliseconds(c.Value.QuantileSeconds(0.99)),
                    share,
                    Health.Of(c.Value.SuccessPercent));
            })
            .ToList();
        return new GraphDocument(windowSeconds, [.. nodes.Values], graphEdges, stats);
    }

    public static string ShortName(string host)
    {
        var dot = host.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && host.EndsWith(".svc.cluster.local", StringComparison.Ordinal) ? host[..dot] : host;
    }

    internal static double? Milliseconds(double? seconds) => seconds is { } s ? Math.Round(s * 1000, 1) : null;

    internal static double? Round(double? value) => value is { } v ? Math.Round(v, 2) : null;

    private static void Sum(Dictionary<(string, string), TrafficTotals> calls, (string, string) key, TrafficTotals totals)
    {
        if (!calls.TryGetValue(key, out var sum))
        {
            sum = new TrafficTotals();
            calls.Add(key, sum);
        }

        sum.Add(totals);
    }
}

internal sealed record GraphDocument(double WindowSeconds, IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges, TrafficStoreStats Store);

/// <summary>A workload (<c>NAMESPACE/NAME</c>), a service (its host) or a subset of a service.</summary>
internal sealed record GraphNode(string Id, string Kind, string Label, string Name, string? Subset);

internal sealed record GraphEdge(
    string Source,
    string Target,
    long Requests,
    long Failures,
    double Rps,
    double? SuccessPercent,
    double? P50Ms,
    double? P95Ms,
    double? P99Ms,
    double? SharePercent,
    string Health);
