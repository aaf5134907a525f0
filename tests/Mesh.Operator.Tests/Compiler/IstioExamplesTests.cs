using Mesh.Api.V1;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>
/// Istio's documented Bookinfo tasks (traffic shifting, request routing, fault injection), written as our resources
/// with only the apiVersion changed, compile to what those tasks describe.
/// </summary>
public sealed class IstioExamplesTests
{
    private const string ReviewsHost = "reviews.default.svc.cluster.local";

    [Theory]
    [InlineData("v1", 50, "v3", 50)]
    [InlineData("v1", 80, "v2", 20)]
    [InlineData("v1", 90, "v2", 10)]
    public void Traffic_shifting_splits_by_weight(string first, int firstWeight, string second, int secondWeight)
    {
        var mesh = MeshFixture.Compile(MeshFixture.Reviews + $$"""
            apiVersion: mesh.io/v1alpha1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
              - route:
                - destination: {host: reviews, subset: {{first}}}
                  weight: {{firstWeight}}
                - destination: {host: reviews, subset: {{second}}}
                  weight: {{secondWeight}}
            """);

        var route = Assert.Single(mesh.ConfigFor("default").Host(ReviewsHost).Forwards());
        Assert.Equal(
            [($"outbound|9080|{first}|{ReviewsHost}", (uint)firstWeight), ($"outbound|9080|{second}|{ReviewsHost}", (uint)secondWeight)],
            route.Destinations);
    }

    [Fact]
    public void Request_routing_by_header_puts_the_matching_rule_first()
    {
        var mesh = MeshFixture.Compile(MeshFixture.Reviews + """
            apiVersion: mesh.io/v1alpha1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts:
              - reviews
              http:
              - match:
                - headers:
                    end-user:
                      exact: jason
                route:
                - destination:
                    host: reviews
                    subset: v2
              - route:
                - destination:
                    host: reviews
                    subset: v1
            """);

        var host = mesh.ConfigFor("default").Host(ReviewsHost);
        Assert.Equal(2, host.Routes.Count);
        var jason = host.Routes[0];
        var header = Assert.Single(Assert.Single(jason.Matches).Headers);
        Assert.Equal(("end-user", "jason"), (header.Name, header.Match.Exact));
        Assert.Equal($"outbound|9080|v2|{ReviewsHost}", Assert.Single(jason.Forward.Destinations).Cluster);
        Assert.Empty(host.Routes[1].Matches);
        Assert.Equal($"outbound|9080|v1|{ReviewsHost}", Assert.Single(host.Routes[1].Forward.Destinations).Cluster);
    }

    [Fact]
    public void Delay_fault_for_one_user_has_no_timeout_or_retries_while_the_rest_keep_the_defaults()
    {
        var mesh = MeshFixture.Compile(MeshFixture.Reviews + """
            apiVersion: mesh.io/v1alpha1
            kind: VirtualService
            metadata: {name: ratings}
            spec:
              hosts:
              - ratings
              http:
              - match:
                - headers:
                    end-user:
                      exact: jason
                fault:
                  delay:
                    percentage:
                      value: 100.0
                    fixedDelay: 7s
                route:
                - destination:
                    host: ratings
                    subset: v1
              - route:
                - destination:
                    host: ratings
                    subset: v1
            """);

        var host = mesh.ConfigFor("default").Host("ratings.default.svc.cluster.local");
        var faulted = host.Routes[0];
        Assert.Equal((7L, 100.0), (faulted.Fault.Delay.FixedDelay.Seconds, faulted.Fault.Delay.Percentage));
        Assert.Null(faulted.Retries);
        Assert.Null(faulted.Timeout);
        var rest = host.Routes[1];
        Assert.Null(rest.Fault);
        Assert.Null(rest.Timeout);
        Assert.Equal(2u, rest.Retries.Attempts);
        Assert.Equal(["connect-failure", "refused-stream", "unavailable", "cancelled"], rest.Retries.RetryOn);
    }

    [Fact]
    public void Abort_fault_injects_the_status_for_the_given_share()
    {
        var mesh = MeshFixture.Compile(MeshFixture.Reviews + """
            apiVersion: mesh.io/v1alpha1
            kind: VirtualService
            metadata: {name: ratings}
            spec:
              hosts: [ratings]
              http:
              - match: [{headers: {end-user: {exact: jason}}}]
                fault:
                  abort:
                    percentage: {value: 100.0}
                    httpStatus: 500
                route: [{destination: {host: ratings, subset: v1}}]
              - route: [{destination: {host: ratings, subset: v1}}]
            """);

        var faulted = mesh.ConfigFor("default").Host("ratings.default.svc.cluster.local").Routes[0];
        Assert.Equal((500u, 100.0), (faulted.Fault.Abort.HttpStatus, faulted.Fault.Abort.Percentage));
        Assert.Null(faulted.Retries);
    }

    [Fact]
    public void Request_timeout_task_sets_the_timeout_and_keeps_default_retries()
    {
        var mesh = MeshFixture.Compile(MeshFixture.Reviews + """
            apiVersion: mesh.io/v1alpha1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
              - route: [{destination: {host: reviews, subset: v2}}]
                timeout: 0.5s
            """);

        var route = Assert.Single(mesh.ConfigFor("default").Host(ReviewsHost).Routes);
        Assert.Equal(Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMilliseconds(500)), route.Timeout);
        Assert.Equal(2u, route.Retries.Attempts);
    }
}
