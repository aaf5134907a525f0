using Mesh.Operator.Compiler;

namespace Mesh.Operator.Tests.Compiler;

public sealed class HostNamesTests
{
    [Theory]
    [InlineData("reviews", "default", "reviews.default.svc.cluster.local")]
    [InlineData("Reviews", "default", "reviews.default.svc.cluster.local")]
    [InlineData("reviews.shop", "default", "reviews.shop.svc.cluster.local")]
    [InlineData("reviews.shop.svc", "default", "reviews.shop.svc.cluster.local")]
    [InlineData("reviews.shop.svc.cluster.local", "default", "reviews.shop.svc.cluster.local")]
    [InlineData("api.example.com", "default", "api.example.com")]
    public void Completes_service_spellings_relative_to_the_namespace(string host, string ns, string expected) =>
        Assert.Equal(expected, HostNames.Resolve(host, ns));

    [Theory]
    [InlineData("reviews", true)]
    [InlineData("reviews.shop.svc", true)]
    [InlineData("reviews.shop.svc.cluster.local", true)]
    [InlineData("httpbin.org", false)]
    [InlineData("api.example.com", false)]
    public void Tells_cluster_spellings_from_outside_hosts(string host, bool cluster) =>
        Assert.Equal(cluster, HostNames.IsClusterSpelling(host));

    [Fact]
    public void Cluster_names_follow_istio() =>
        Assert.Equal("outbound|9080|v1|reviews.default.svc.cluster.local", HostNames.ClusterName(9080, "v1", "reviews.default.svc.cluster.local"));
}
