using Mesh.Operator.Validation;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Validation;

/// <summary>What Istio accepts and a stricter validator would wrongly reject.</summary>
public sealed class IstioAcceptsTests
{
    [Theory]
    [InlineData("  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews, subset: v1}, weight: 30}, {destination: {host: reviews, subset: v2}, weight: 30}]\n")]
    [InlineData("  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews, subset: v1}, weight: 150}, {destination: {host: reviews, subset: v2}, weight: 50}]\n")]
    [InlineData("  hosts: [reviews]\n  http:\n  - redirect: {uri: /new, redirectCode: 0}\n")]
    [InlineData("  hosts: [reviews]\n  http:\n  - redirect: {uri: /new, redirectCode: 304}\n")]
    [InlineData("  hosts: [reviews]\n  http:\n  - redirect: {port: 8080}\n")]
    [InlineData("  hosts: [reviews]\n  http:\n  - match: [{uri: {}}]\n    route: [{destination: {host: reviews}}]\n")]
    [InlineData("  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews}}]\n    fault: {abort: {grpcStatus: UNAVAILABLE, percentage: {value: 10}}}\n")]
    [InlineData("  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews}}]\n    fault: {abort: {httpStatus: 600, percentage: {value: 10}}}\n")]
    [InlineData("  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews}}]\n    fault: {delay: {percentage: {value: 10}}}\n")]
    [InlineData("  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews}}]\n    retries: {attempts: 0}\n")]
    [InlineData("  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews}}]\n    retries: {attempts: 3, retryOn: 'gateway-error,reset-before-request,503,429'}\n")]
    [InlineData("  hosts: [reviews]\n  tcp:\n  - route: [{destination: {host: reviews, port: {number: 9080}}}]\n")]
    public void Istio_accepts_it_and_so_do_we(string spec) =>
        AssertAccepted("VirtualService", Vs + spec);

    [Fact]
    public void A_redirect_code_of_0_compiles_as_301()
    {
        var (_, mesh) = Compile(Vs + "  hosts: [reviews]\n  http:\n  - redirect: {uri: /new, redirectCode: 0}\n", "VirtualService");

        var config = mesh.ConfigFor(new Mesh.Api.V1.Node { Id = "p", Namespace = "default" });
        var route = config.ToProxyConfig().VirtualHosts.Single(h => h.Name.StartsWith("reviews.", StringComparison.Ordinal)).Routes.Single();
        Assert.Equal(301u, route.Redirect.RedirectCode);
    }
}
