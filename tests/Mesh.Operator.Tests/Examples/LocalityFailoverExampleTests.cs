namespace Mesh.Operator.Tests.Examples;

/// <summary>examples/locality-failover stays valid and gives the frontend's proxy what its README describes.</summary>
public sealed class LocalityFailoverExampleTests
{
    [Fact]
    public void Analyze_finds_no_problem()
    {
        Assert.Equal((0, "", ""), ExampleCli.Analyze("locality-failover"));
    }

    [Fact]
    public void The_frontends_proxy_gets_the_failover_regions_and_every_endpoints_locality()
    {
        var config = ExampleCli.Compile("locality-failover", "default/frontend");
        var shop = config.Clusters.Single(c => c.Name == "outbound|9080||shop.default.svc.cluster.local");
        Assert.True(shop.LoadBalancer.LocalityLbSetting.FailoverByPriority);
        Assert.Equal(("eu-west", "us-east"), (shop.LoadBalancer.LocalityLbSetting.Failover.Single().From, shop.LoadBalancer.LocalityLbSetting.Failover.Single().To));
        Assert.Equal(
            ["eu-west/eu-west-1a", "eu-west/eu-west-1a", "eu-west/eu-west-1b", "us-east/us-east-1a"],
            shop.Endpoints.OrderBy(e => e.Port).Select(e => e.Locality));
    }
}
