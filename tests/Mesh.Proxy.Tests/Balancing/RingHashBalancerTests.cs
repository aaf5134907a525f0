using Mesh.Proxy.Balancing;
using Mesh.Proxy.Clusters;

namespace Mesh.Proxy.Tests.Balancing;

public sealed class RingHashBalancerTests
{
    private static EndpointRuntime[] Endpoints(int count) =>
        Enumerable.Range(0, count).Select(i => new EndpointRuntime($"10.0.0.{i + 1}", 8080, 1, $"default/pod-{i}", new EndpointStats())).ToArray();

    [Fact]
    public void RemovingOneOfTenEndpointsRemapsAboutATenthOfTheKeys()
    {
        var all = Endpoints(10);
        var before = new RingHashBalancer(all, 1024, new SourceIpHashKeySource());
        var after = new RingHashBalancer(all[..9], 1024, new SourceIpHashKeySource());

        const int Keys = 20_000;
        var moved = 0;
        for (var k = 0; k < Keys; k++)
        {
            var hash = HashKey.Of($"user-{k}");
            var owner = before.PickByHash(hash, 0)!;
            var newOwner = after.PickByHash(hash, 0)!;
            if (!ReferenceEquals(owner, newOwner))
            {
                moved++;
                Assert.Same(all[9], owner);
            }
        }

        // Only the removed endpoint's keys move: ideally 1/10; 20,000 keys, tolerance 10% ± 3 points for ring variance.
        Assert.InRange(100.0 * moved / Keys, 7, 13);
    }

    [Fact]
    public void EveryEndpointOwnsARoughlyEqualShareOfKeys()
    {
        var all = Endpoints(4);
        var ring = new RingHashBalancer(all, 1024, new SourceIpHashKeySource());
        var counts = new Dictionary<EndpointRuntime, int>();
        const int Keys = 20_000;
        for (var k = 0; k < Keys; k++)
        {
            var owner = ring.PickByHash(HashKey.Of($"k{k}"), 0)!;
            counts[owner] = counts.GetValueOrDefault(owner) + 1;
        }

        // 20,000 keys over 4 equal endpoints: each within 25% ± 5 points.
        Assert.All(all, e => Assert.InRange(100.0 * counts.GetValueOrDefault(e) / Keys, 20, 30));
    }
}
