using Mesh.Operator.Traffic;
using Mesh.Operator.Ui;

namespace Mesh.Operator.Tests.Ui;

/// <summary>The per-service page's series: what each point's rate divides by.</summary>
public sealed class ServiceViewTests
{
    private const string Reviews = "reviews.default.svc.cluster.local";
    private static readonly TimeSpan Width = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public void The_newest_point_divides_by_the_part_of_its_bucket_that_has_elapsed()
    {
        // 100 requests in the full bucket, 40 in the first 4 s of the bucket still filling: 10/s both.
        var history = new SubsetHistory("v1", Start, [Totals(100), Totals(40)]);

        var points = Assert.Single(ServiceView.Build(Reviews, [history], Width, Start + Width + TimeSpan.FromSeconds(4)).Subsets).Points;

        Assert.Equal([10.0, 10.0], points.Select(p => p.Rps));
    }

    [Fact]
    public void A_bucket_begun_less_than_a_second_ago_divides_by_one_second()
    {
        var history = new SubsetHistory("v1", Start, [Totals(100), Totals(3)]);

        var points = ServiceView.Build(Reviews, [history], Width, Start + Width + TimeSpan.FromMilliseconds(200)).Subsets[0].Points;

        Assert.Equal(3, points[^1].Rps);
    }

    private static TrafficTotals Totals(uint requests)
    {
        var totals = new TrafficTotals();
        var slot = new uint[EdgeHistory.SlotWidth];
        slot[0] = requests;
        totals.Add(slot);
        return totals;
    }
}
