using System.Text.Json.Nodes;
using Google.Protobuf;
using Mesh.Api.V1;
using Mesh.Operator.Cli;

namespace Mesh.Operator.Tests.Examples;

/// <summary>examples/locality-failover stays valid and gives the frontend's proxy what its README describes.</summary>
public sealed class LocalityFailoverExampleTests
{
    private static readonly string Example = TestPaths.InRepository("examples", "locality-failover");

    private static string[] Manifests => [.. Directory.GetFiles(Example, "*.yaml").Order(StringComparer.Ordinal)];

    [Fact]
    public void Analyze_finds_no_problem()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = MeshCli.Run(["analyze", .. Manifests], output, error);

        Assert.Equal((0, "", ""), (code, output.ToString(), error.ToString()));
    }

    [Fact]
    public void The_frontends_proxy_gets_the_failover_regions_and_every_endpoints_locality()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = MeshCli.Run(["compile", .. Manifests, "--proxy", "default/frontend"], output, error);

        Assert.Equal((0, ""), (code, error.ToString()));
        var config = JsonParser.Default.Parse<ProxyConfig>(JsonNode.Parse(output.ToString())!["config"]!.ToJsonString());
        var shop = config.Clusters.Single(c => c.Name == "outbound|9080||shop.default.svc.cluster.local");
        Assert.True(shop.LoadBalancer.LocalityLbSetting.FailoverByPriority);
        Assert.Equal(("eu-west", "us-east"), (shop.LoadBalancer.LocalityLbSetting.Failover.Single().From, shop.LoadBalancer.LocalityLbSetting.Failover.Single().To));
        Assert.Equal(
            ["eu-west/eu-west-1a", "eu-west/eu-west-1a", "eu-west/eu-west-1b", "us-east/us-east-1a"],
            shop.Endpoints.OrderBy(e => e.Port).Select(e => e.Locality));
    }
}
