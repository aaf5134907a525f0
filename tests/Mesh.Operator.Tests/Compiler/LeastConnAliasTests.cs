using Mesh.Api.V1;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>
/// Istio still accepts LEAST_CONN, its deprecated name for LEAST_REQUEST: a rule that uses it compiles to exactly the
/// clusters the same rule with LEAST_REQUEST does, at the top, per port and per subset.
/// </summary>
public sealed class LeastConnAliasTests
{
    private const string Rule = """
          host: multi
          trafficPolicy:
            loadBalancer: {simple: BALANCER}
            portLevelSettings:
            - port: {number: 8081}
              loadBalancer: {simple: BALANCER}
          subsets:
          - name: a
            labels: {app: multi}
            trafficPolicy: {loadBalancer: {simple: BALANCER}}

        """;

    [Fact]
    public void Least_conn_compiles_to_the_same_clusters_as_least_request()
    {
        var leastConn = Clusters("LEAST_CONN");
        var leastRequest = Clusters("LEAST_REQUEST");

        Assert.Equal(leastRequest, leastConn);
        Assert.Equal(4, leastConn.Count(c => c.Name.EndsWith("multi.default.svc.cluster.local", StringComparison.Ordinal)));
        Assert.All(leastConn, c => Assert.Equal(LoadBalancer.Types.Simple.LeastRequest, c.LoadBalancer.Simple));
    }

    private static List<Cluster> Clusters(string balancer)
    {
        var (result, mesh) = Compile(Dr + Rule.Replace("BALANCER", balancer, StringComparison.Ordinal), "DestinationRule");
        Assert.True(result.IsAccepted, string.Join(" | ", result.Diagnostics));
        return [.. mesh.ConfigFor(new Node { Id = "p", Namespace = "default" }).ToProxyConfig().Clusters.OrderBy(c => c.Name, StringComparer.Ordinal)];
    }
}
