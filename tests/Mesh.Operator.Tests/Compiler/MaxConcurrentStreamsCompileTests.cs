using Mesh.Api.V1;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>connectionPool.http.maxConcurrentStreams reaches each cluster as the other pool fields do.</summary>
public sealed class MaxConcurrentStreamsCompileTests
{
    private const string Rule = """
          host: multi
          trafficPolicy:
            connectionPool: {http: {maxConcurrentStreams: 10}}
            portLevelSettings:
            - port: {number: 8081}
              connectionPool: {http: {maxConcurrentStreams: 4}}
          subsets:
          - name: a
            labels: {app: multi}
            trafficPolicy:
              connectionPool: {http: {maxConcurrentStreams: 2}}
          - name: b
            labels: {app: multi}

        """;

    [Fact]
    public void Max_concurrent_streams_follows_the_top_level_port_entry_and_subset_policy()
    {
        var (result, mesh) = Compile(Dr + Rule, "DestinationRule");
        Assert.True(result.IsAccepted, string.Join(" | ", result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.ToString().Contains("maxConcurrentStreams", StringComparison.Ordinal));
        var clusters = mesh.ConfigFor(new Node { Id = "p", Namespace = "default" }).ToProxyConfig().Clusters.ToDictionary(c => c.Name);

        Assert.Equal(10u, clusters["outbound|80||multi.default.svc.cluster.local"].ConnectionPool.Http2MaxConcurrentStreams);
        Assert.Equal(4u, clusters["outbound|8081||multi.default.svc.cluster.local"].ConnectionPool.Http2MaxConcurrentStreams);
        Assert.Equal(2u, clusters["outbound|8081|a|multi.default.svc.cluster.local"].ConnectionPool.Http2MaxConcurrentStreams);
        Assert.Equal(4u, clusters["outbound|8081|b|multi.default.svc.cluster.local"].ConnectionPool.Http2MaxConcurrentStreams);
    }
}
