using Mesh.Api.V1;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>
/// Istio's merge of portLevelSettings: for its port an entry replaces each section it sets whole; the other sections
/// and the other ports keep the inherited policy; a subset's policy and then its own port entry override in turn.
/// </summary>
public sealed class PortLevelSettingsTests
{
    private const string Rule = """
          host: multi
          trafficPolicy:
            loadBalancer: {simple: ROUND_ROBIN}
            connectionPool: {tcp: {maxConnections: 7}}
            portLevelSettings:
            - port: {number: 8081}
              loadBalancer: {consistentHash: {httpHeaderName: X-User}}
              outlierDetection: {consecutive5xxErrors: 2}
          subsets:
          - name: a
            labels: {app: multi}
            trafficPolicy:
              connectionPool: {http: {http2MaxRequests: 3}}
              portLevelSettings:
              - port: {number: 80}
                loadBalancer: {simple: RANDOM}

        """;

    [Fact]
    public void The_port_entry_replaces_the_sections_it_sets_for_its_port_only()
    {
        var clusters = Clusters();

        var http = clusters["outbound|80||multi.default.svc.cluster.local"];
        Assert.Equal(LoadBalancer.Types.Simple.RoundRobin, http.LoadBalancer.Simple);
        Assert.Null(http.LoadBalancer.ConsistentHash);
        Assert.Null(http.OutlierDetection);
        Assert.Equal(7u, http.ConnectionPool.MaxConnections);

        var admin = clusters["outbound|8081||multi.default.svc.cluster.local"];
        Assert.Equal("x-user", admin.LoadBalancer.ConsistentHash.HttpHeaderName);
        Assert.Equal(2u, admin.OutlierDetection.Consecutive5XxErrors);
        Assert.Equal(7u, admin.ConnectionPool.MaxConnections);
    }

    [Fact]
    public void A_subset_overrides_the_port_resolved_policy_and_its_own_port_entry_overrides_that()
    {
        var clusters = Clusters();

        var http = clusters["outbound|80|a|multi.default.svc.cluster.local"];
        Assert.Equal(LoadBalancer.Types.Simple.Random, http.LoadBalancer.Simple);
        Assert.Equal(3u, http.ConnectionPool.Http2MaxRequests);
        Assert.Equal(0u, http.ConnectionPool.MaxConnections);

        var admin = clusters["outbound|8081|a|multi.default.svc.cluster.local"];
        Assert.Equal("x-user", admin.LoadBalancer.ConsistentHash.HttpHeaderName);
        Assert.Equal(2u, admin.OutlierDetection.Consecutive5XxErrors);
        Assert.Equal(3u, admin.ConnectionPool.Http2MaxRequests);
    }

    private static Dictionary<string, Cluster> Clusters()
    {
        var (result, mesh) = Compile(Dr + Rule, "DestinationRule");
        Assert.True(result.IsAccepted, string.Join(" | ", result.Diagnostics));
        return mesh.ConfigFor(new Node { Id = "p", Namespace = "default" }).ToProxyConfig().Clusters.ToDictionary(c => c.Name);
    }
}
