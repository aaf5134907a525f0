using System.Text.Json.Nodes;
using Google.Protobuf;
using Mesh.Api.V1;
using Mesh.Operator.Cli;
using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;

namespace Mesh.Operator.Tests.Examples;

/// <summary>examples/bookinfo stays valid, and every one of its proxies compiles to what the README describes.</summary>
public sealed class BookinfoExampleTests
{
    private static readonly string Bookinfo = TestPaths.InRepository("examples", "bookinfo");

    private static string[] MainManifests => [.. Directory.GetFiles(Bookinfo, "*.yaml").Order(StringComparer.Ordinal)];

    [Fact]
    public void Analyze_finds_no_problem()
    {
        var (code, output) = Analyze(MainManifests);

        Assert.Equal((0, ""), (code, output));
    }

    [Fact]
    public void The_abort_variant_is_valid_in_place_of_the_delay()
    {
        var manifests = MainManifests.Where(f => !f.EndsWith("virtual-services.yaml", StringComparison.Ordinal))
            .Append(TestPaths.InRepository("examples", "bookinfo-variants", "ratings-abort.yaml")).ToArray();

        var (code, output) = Analyze(manifests);

        Assert.Equal((0, ""), (code, output));
    }

    [Fact]
    public void The_mirrors_variant_sends_to_v1_and_copies_to_v2_and_a_tenth_to_v3()
    {
        var manifests = MainManifests.Where(f => !f.EndsWith("virtual-services.yaml", StringComparison.Ordinal))
            .Append(TestPaths.InRepository("examples", "bookinfo-variants", "reviews-mirrors.yaml")).ToArray();
        Assert.Equal((0, ""), Analyze(manifests));

        var compiled = MeshCompiler.Compile(ManifestLoader.LoadPaths(manifests).ToSnapshot());
        var route = compiled.ConfigFor(new Node { Id = "productpage", Namespace = "default" }).ToProxyConfig()
            .VirtualHosts.Single(h => h.Name == "reviews.default.svc.cluster.local").Routes.Single();
        Assert.Equal("outbound|9080|v1|reviews.default.svc.cluster.local", route.Forward.Destinations.Single().Cluster);
        Assert.Equal(
            [("outbound|9080|v2|reviews.default.svc.cluster.local", 100.0), ("outbound|9080|v3|reviews.default.svc.cluster.local", 10.0)],
            route.Mirrors.Select(m => (m.Cluster, m.Percentage)));
    }

    [Fact]
    public void Every_workload_compiles_through_the_cli()
    {
        var set = ManifestLoader.LoadPaths(MainManifests);
        var workloads = set.Resources.Where(r => r.Object is Mesh.Operator.Resources.WorkloadEntry).Select(r => $"{r.Ref.Namespace}/{r.Ref.Name}").ToList();
        Assert.Equal(6, workloads.Count);

        foreach (var workload in workloads)
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var code = MeshCli.Run(["compile", .. MainManifests, "--proxy", workload], output, error);

            Assert.Equal((0, ""), (code, error.ToString()));
            var config = JsonParser.Default.Parse<ProxyConfig>(JsonNode.Parse(output.ToString())!["config"]!.ToJsonString());
            Assert.Equal(4, config.VirtualHosts.Count);
        }
    }

    [Fact]
    public void Reviews_sends_jason_to_v3_and_splits_the_rest_80_20()
    {
        var config = ProductpageConfig();

        var reviews = config.VirtualHosts.Single(h => h.Name == "reviews.default.svc.cluster.local");
        Assert.Equal(["jason", "split"], reviews.Routes.Select(r => r.Name));
        Assert.Equal("jason", reviews.Routes[0].Matches[0].Headers[0].Match.Exact);
        Assert.Equal(
            [("outbound|9080|v1|reviews.default.svc.cluster.local", 80u), ("outbound|9080|v2|reviews.default.svc.cluster.local", 20u)],
            reviews.Routes[1].Forward.Destinations.Select(d => (d.Cluster, d.Weight)));
        var v3 = config.Clusters.Single(c => c.Name == "outbound|9080|v3|reviews.default.svc.cluster.local");
        Assert.Equal(("127.0.0.1", 9086u), (v3.Endpoints.Single().Address, v3.Endpoints.Single().Port));
        Assert.Contains("reviews", reviews.Domains);
        Assert.Contains("reviews:9080", reviews.Domains);
    }

    [Fact]
    public void Ratings_delays_jason_and_details_has_timeout_and_retries()
    {
        var config = ProductpageConfig();

        var ratings = config.VirtualHosts.Single(h => h.Name == "ratings.default.svc.cluster.local").Routes[0];
        Assert.Equal((2L, 100.0), (ratings.Fault.Delay.FixedDelay.Seconds, ratings.Fault.Delay.Percentage));
        Assert.Null(ratings.Retries);
        var details = config.VirtualHosts.Single(h => h.Name == "details.default.svc.cluster.local").Routes.Single();
        Assert.Equal(1L, details.Timeout.Seconds);
        Assert.Equal((3u, 300_000_000), (details.Retries.Attempts, details.Retries.PerTryTimeout.Nanos));
    }

    private static ProxyConfig ProductpageConfig()
    {
        var set = ManifestLoader.LoadPaths(MainManifests);
        var node = CompileCommand.FindNode(set, "default/productpage")!;
        Assert.Equal(("bookinfo-productpage", "127.0.0.1"), (node.ServiceAccount, node.Ip));
        return MeshCompiler.Compile(set.ToSnapshot()).ConfigFor(node).ToProxyConfig();
    }

    private static (int Code, string Output) Analyze(string[] files)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = MeshCli.Run(["analyze", .. files], output, error);
        return (code, output.ToString());
    }
}
