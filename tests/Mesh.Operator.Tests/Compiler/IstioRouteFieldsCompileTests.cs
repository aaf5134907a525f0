using Mesh.Api.V1;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>The VirtualService fields of issue 16 as the compiler writes them into each proxy's routes.</summary>
public sealed class IstioRouteFieldsCompileTests
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
        Assert.All(mesh.Results, r => Assert.True(r.IsAccepted, string.Join(" | ", r.Diagnostics)));
        return mesh.ConfigFor("default", "app=web").Host("reviews.default.svc.cluster.local").Routes.Single();
    }

    [Fact]
    public void Mirrors_become_one_mirror_each_with_its_percentage_and_100_when_absent()
    {
        var route = OnlyRoute("""
            - route: [{destination: {host: reviews, subset: v1}}]
              mirrors:
              - destination: {host: reviews, subset: v2}
                percentage: {value: 25}
              - destination: {host: ratings}
            """);

        Assert.Null(route.Mirror);
        Assert.Equal(
            [("outbound|9080|v2|reviews.default.svc.cluster.local", 25.0), ("outbound|9080||ratings.default.svc.cluster.local", 100.0)],
            route.Mirrors.Select(m => (m.Cluster, m.Percentage)));
    }

    [Fact]
    public void A_direct_response_has_no_forward_timeout_or_retries_and_a_string_body_is_text()
    {
        var route = OnlyRoute("""
            - directResponse: {status: 418, body: {string: "short and stout"}}
              timeout: 1s
            """);

        Assert.Equal(Route.ActionOneofCase.DirectResponse, route.ActionCase);
        Assert.Equal(418u, route.DirectResponse.Status);
        Assert.Equal("short and stout", route.DirectResponse.Body.ToStringUtf8());
        Assert.Equal("text/plain", route.DirectResponse.ContentType);
        Assert.Null(route.Timeout);
        Assert.Null(route.Retries);
    }

    [Fact]
    public void A_bytes_body_is_decoded_from_base64_without_a_content_type()
    {
        var route = OnlyRoute("- directResponse: {status: 200, body: {bytes: AAEC}}");

        Assert.Equal([0, 1, 2], route.DirectResponse.Body.ToByteArray());
        Assert.Equal("", route.DirectResponse.ContentType);
    }

    [Fact]
    public void A_grpc_abort_carries_the_status_code_of_its_name()
    {
        var route = OnlyRoute("""
            - route: [{destination: {host: reviews}}]
              fault: {abort: {grpcStatus: UNAVAILABLE, percentage: {value: 10}}}
            """);

        Assert.True(route.Fault.Abort.HasGrpcStatus);
        Assert.Equal(14u, route.Fault.Abort.GrpcStatus);
        Assert.Equal(0u, route.Fault.Abort.HttpStatus);
        Assert.Null(route.Retries);
    }

    [Fact]
    public void A_regex_rewrite_and_a_scheme_match_are_passed_on()
    {
        var route = OnlyRoute("""
            - match: [{scheme: {exact: https}}]
              rewrite: {uriRegexRewrite: {match: '^/v1/(.*)', rewrite: '/v2/\1'}}
              route: [{destination: {host: reviews}}]
            """);

        Assert.Equal("https", route.Matches.Single().Scheme.Exact);
        Assert.Equal("^/v1/(.*)", route.Rewrite.UriRegex.Match);
        Assert.Equal("/v2/\\1", route.Rewrite.UriRegex.Rewrite);
    }

    [Fact]
    public void Retry_remote_localities_is_passed_on()
    {
        var route = OnlyRoute("""
            - route: [{destination: {host: reviews}}]
              retries: {attempts: 3, retryOn: 5xx, retryRemoteLocalities: true}
            """);

        Assert.Equal(3u, route.Retries.Attempts);
        Assert.True(route.Retries.RetryRemoteLocalities);
    }
}
