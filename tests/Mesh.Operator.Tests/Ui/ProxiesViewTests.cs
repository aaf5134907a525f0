using System.Collections;
using Mesh.Api.V1;
using Mesh.Operator.ConfigServer;
using Mesh.Operator.Ui;

namespace Mesh.Operator.Tests.Ui;

/// <summary>The proxies page at the scale of a large mesh: its work grows with the number of proxies, not its square.</summary>
public sealed class ProxiesViewTests
{
    private const int Proxies = 5_000;

    [Fact]
    public void Five_thousand_proxies_are_listed_in_one_pass_with_one_expected_version_each()
    {
        var connections = Enumerable.Range(0, Proxies).Select(i => Connection(i, $"default/app-{Proxies - i:D5}")).ToList();
        var counted = new CountingEnumerable(connections);
        var previews = 0;

        var rows = ProxiesView.Build(counted, node =>
        {
            previews++;
            return node.Id.EndsWith('0') ? null : "v1";
        });
        connections.ForEach(c => c.Dispose());

        // The old page looked every proxy's node id up among all connections: 5,000 × 5,000 visits.
        Assert.Equal(Proxies + 1, counted.MoveNexts);
        Assert.Equal(Proxies, previews);
        Assert.Equal(Proxies, rows.Count);
        Assert.Equal("default/app-00001", rows[0].Id);
        Assert.Equal(rows.Select(r => r.Id).Order(StringComparer.Ordinal), rows.Select(r => r.Id));
        Assert.All(rows, row => Assert.Equal(row.ExpectedVersion is not null, row.ExpectedVersion == "v1"));
        Assert.All(rows, row => Assert.False(row.InSync));
    }

    [Fact]
    public void A_proxy_is_in_sync_when_it_acknowledged_the_version_its_own_node_should_have()
    {
        // A proxy reconnecting with the version it runs counts as having acknowledged it.
        using var current = Connection(1, "default/a", initialVersion: "v2");
        using var behind = Connection(2, "default/b", initialVersion: "v1");

        var rows = ProxiesView.Build([behind, current], node => node.Id == "default/a" ? "v2" : "v3");

        Assert.Equal(["default/a", "default/b"], rows.Select(r => r.Id));
        Assert.Equal([true, false], rows.Select(r => r.InSync));
        Assert.Equal(["v2", "v3"], rows.Select(r => r.ExpectedVersion));
    }

    private static ProxyConnection Connection(long id, string nodeId, string initialVersion = "") =>
        new(id, new Node { Id = nodeId, Namespace = "default" }, initialVersion, DateTimeOffset.UnixEpoch.AddSeconds(id), queueCapacity: 1, maxQueuedBytes: 1 << 20, () => { }, CancellationToken.None);

    private sealed class CountingEnumerable(IEnumerable<ProxyConnection> inner) : IEnumerable<ProxyConnection>
    {
        public int MoveNexts { get; private set; }

        public IEnumerator<ProxyConnection> GetEnumerator()
        {
            foreach (var item in inner)
            {
                MoveNexts++;
                yield return item;
            }

            MoveNexts++;
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
