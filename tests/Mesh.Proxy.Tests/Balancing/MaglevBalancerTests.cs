using Mesh.Proxy.Balancing;
using Mesh.Proxy.Clusters;

namespace Mesh.Proxy.Tests.Balancing;

public sealed class MaglevBalancerTests
{
    private const int TableSize = 65_537;

    private static EndpointRuntime[] Endpoints(int count, Func<int, int>? weight = null) =>
        Enumerable.Range(0, count).Select(i => new EndpointRuntime($"10.0.0.{i + 1}", 8080, weight?.Invoke(i) ?? 1, $"default/pod-{i}", new EndpointStats())).ToArray();

    [Fact]
    public void Endpoints_own_shares_of_the_keys_in_proportion_to_their_weights()
    {
        var all = Endpoints(4, i => i == 0 ? 2 : 1);
        var maglev = new MaglevBalancer(all, TableSize, new SourceIpHashKeySource());
        var counts = new Dictionary<EndpointRuntime, int>();
        const int Keys = 20_000;
        for (var k = 0; k < Keys; k++)
        {
            var owner = maglev.PickByHash(HashKey.Of($"k{k}"), 0)!;
            counts[owner] = counts.GetValueOrDefault(owner) + 1;
        }

        // Weights 2:1:1:1 over 20,000 keys: 40% and 20% each, ± 3 points.
        Assert.InRange(100.0 * counts[all[0]] / Keys, 37, 43);
        Assert.All(all[1..], e => Assert.InRange(100.0 * counts.GetValueOrDefault(e) / Keys, 17, 23));
    }

    [Fact]
    public void Removing_one_of_ten_endpoints_moves_little_more_than_its_own_keys()
    {
        var all = Endpoints(10);
        var before = new MaglevBalancer(all, TableSize, new SourceIpHashKeySource());
        var after = new MaglevBalancer(all[..9], TableSize, new SourceIpHashKeySource());

        const int Keys = 20_000;
        var moved = 0;
        for (var k = 0; k < Keys; k++)
        {
            var hash = HashKey.Of($"user-{k}");
            if (!ReferenceEquals(before.PickByHash(hash, 0), after.PickByHash(hash, 0)))
            {
                moved++;
            }
        }

        // The removed endpoint's tenth must move; Maglev's disruption adds a few points beyond it (the paper's figure 9).
        Assert.InRange(100.0 * moved / Keys, 8, 16);
    }

    [Fact]
    public void An_ejected_owner_is_passed_over_for_a_healthy_endpoint()
    {
        var all = Endpoints(3);
        var maglev = new MaglevBalancer(all, 251, new SourceIpHashKeySource());
        var hash = HashKey.Of("alice");
        var owner = maglev.PickByHash(hash, 0)!;
        owner.Stats.EjectedUntil = long.MaxValue;

        var next = maglev.PickByHash(hash, 0);

        Assert.NotNull(next);
        Assert.NotSame(owner, next);
    }
}
