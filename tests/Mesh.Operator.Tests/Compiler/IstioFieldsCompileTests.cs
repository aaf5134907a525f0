using Mesh.Api.V1;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>
/// retries.backoff, redirect.prefixRewrite, mirrorPercent, http2KeepAlive, tcp.idleTimeout and zoneAwareLbSetting as
/// the compiler writes them into each proxy's routes and clusters.
/// </summary>
public sealed class IstioFieldsCompileTests
{
    private static Route OnlyRoute(string rule)
    {
        var mesh = MeshFixture.Compile(MeshFixture.Reviews + """
            apiVersion: mesh.io/v1alpha1
            kind: VirtualService
            metadata: {name: reviews, namespace: default}
            spec:
              hosts: [reviews]
              http:

            """ + string.Join("", rule.Split('\n').Select(l => "  " + l + "\n")));
        Assert.All(mesh.Results, r => Assert.DoesNotContain(r.Diagnostics, d => d.IsError));
        return mesh.ConfigFor("default", "app=web").Host("reviews.default.svc.cluster.local").Routes.Single();
    }

    private static Cluster RatingsCluster(string trafficPolicy)
    {
        var mesh = MeshFixture.Compile(MeshFixture.Reviews.Replace(
            "  host: ratings\n  subsets:",
            "  host: ratings\n  trafficPolicy: " + trafficPolicy + "\n  subsets:",
            StringComparison.Ordinal));
        Assert.All(mesh.Results, r => Assert.DoesNotContain(r.Diagnostics, d => d.IsError));
        return mesh.ConfigFor("default", "app=web").Clusters.Single(c => c.Name == "outbound|9080||ratings.default.svc.cluster.local");
    }

    [Fact]
    public void Backoff_reaches_the_retry_policy()
    {
        var route = OnlyRoute("- route: [{destination: {host: reviews}}]\n  retries: {attempts: 2, backoff: 150ms}");

        Assert.Equal(TimeSpan.FromMilliseconds(150), route.Retries.Backoff.ToTimeSpan());
    }

    [Fact]
    public void A_prefix_rewrite_redirect_keeps_its_prefix_and_the_match()
    {
        var route = OnlyRoute("- match: [{uri: {prefix: /old}}]\n  redirect: {prefixRewrite: /new}");

        Assert.Equal("/new", route.Redirect.PrefixRewrite);
        Assert.Equal("", route.Redirect.Uri);
        Assert.Equal("/old", route.Matches.Single().Uri.Prefix);
    }

    [Theory]
    [InlineData("mirrorPercent: 30", 30.0)]
    [InlineData("mirrorPercent: 30\n  mirrorPercentage: {value: 12.5}", 12.5)]
    [InlineData("mirrorPercent: 0", 0.0)]
    public void MirrorPercent_applies_unless_mirrorPercentage_is_set(string percent, double expected)
    {
        var route = OnlyRoute("- route: [{destination: {host: reviews, subset: v1}}]\n  mirror: {host: reviews, subset: v2}\n  " + percent);

        Assert.Equal(expected, route.Mirror.Percentage);
    }

    [Fact]
    public void Http2_keepalive_and_the_tcp_idle_timeout_reach_the_connection_pool()
    {
        var pool = RatingsCluster("{connectionPool: {http: {http2KeepAlive: {interval: 15s, timeout: 5s}}, tcp: {idleTimeout: 90s}}}").ConnectionPool;

        Assert.Equal(TimeSpan.FromSeconds(15), pool.Http2KeepaliveInterval.ToTimeSpan());
        Assert.Equal(TimeSpan.FromSeconds(5), pool.Http2KeepaliveTimeout.ToTimeSpan());
        Assert.Equal(TimeSpan.FromSeconds(90), pool.TcpIdleTimeout.ToTimeSpan());
    }

    [Fact]
    public void A_zero_tcp_idle_timeout_is_kept_as_zero_which_the_proxy_reads_as_never()
    {
        var pool = RatingsCluster("{connectionPool: {tcp: {idleTimeout: 0s}}}").ConnectionPool;

        Assert.Equal(TimeSpan.Zero, pool.TcpIdleTimeout.ToTimeSpan());
    }

    [Fact]
    public void Zone_aware_balancing_is_priority_failover_by_locality_without_outlier_detection()
    {
        var setting = RatingsCluster("{loadBalancer: {zoneAwareLbSetting: {failover: [{from: r1, to: r2}], failoverPriority: [example.com/rack]}}}").LoadBalancer.LocalityLbSetting;

        Assert.True(setting.FailoverByPriority);
        Assert.Equal(("r1", "r2"), (setting.Failover.Single().From, setting.Failover.Single().To));
        Assert.Equal(["example.com/rack"], setting.FailoverPriority);
    }

    [Fact]
    public void Zone_aware_balancing_turned_off_leaves_no_locality_setting()
    {
        var cluster = RatingsCluster("{loadBalancer: {zoneAwareLbSetting: {enabled: false}}}");

        Assert.Null(cluster.LoadBalancer.LocalityLbSetting);
    }
}
