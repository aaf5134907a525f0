using Mesh.Api.V1;
using Mesh.Operator.ConfigServer;

namespace Mesh.Operator.Ui;

/// <summary><c>/ui/api/proxies</c>: each connected proxy's acknowledged config version against the one it should have.</summary>
internal static class ProxiesView
{
    /// <summary>
    /// One pass over <paramref name="connections"/>: each row's expected version comes from its own connection's node,
    /// not from a lookup of the node id among all connections, which made the page quadratic in the number of proxies.
    /// Rows are sorted by node id, then connection time.
    /// </summary>
    public static IReadOnlyList<ProxyRow> Build(IEnumerable<ProxyConnection> connections, Func<Node, string?> expectedVersion)
    {
        var rows = new List<ProxyRow>();
        foreach (var connection in connections)
        {
            var status = connection.GetStatus();
            var expected = expectedVersion(connection.Node);
            rows.Add(new ProxyRow(
                status.Id,
                status.Namespace,
                status.Ip,
                status.ConnectedSince,
                status.AckedVersion,
                status.AckedAt,
                expected,
                expected is not null && string.Equals(expected, status.AckedVersion, StringComparison.Ordinal),
                status.AwaitingAnswer,
                status.LastNack,
                status.ReportsTraffic));
        }

        rows.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id) is var byId and not 0 ? byId : a.ConnectedSince.CompareTo(b.ConnectedSince));
        return rows;
    }
}

internal sealed record ProxyRow(
    string Id,
    string Namespace,
    string Ip,
    DateTimeOffset ConnectedSince,
    string? AckedVersion,
    DateTimeOffset? AckedAt,
    string? ExpectedVersion,
    bool InSync,
    bool AwaitingAnswer,
    NackRecord? LastNack,
    bool ReportsTraffic);
