using Mesh.Operator.Validation;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Validation;

/// <summary>Istio's rules for VirtualService tcp and tls routes, each rejection naming its field path.</summary>
public sealed class L4RouteRulesTests
{
    public static TheoryData<string, string, string> Rejected() => new()
    {
        { "  hosts: [reviews]\n  tcp:\n  - match: [{port: 9080}]\n", "spec.tcp[0].route", "at least one route destination" },
        { "  hosts: [reviews]\n  tcp:\n  - match: [{port: 70000}]\n    route: [{destination: {host: reviews}}]\n", "spec.tcp[0].match[0].port", "" },
        { "  hosts: [reviews]\n  tcp:\n  - match: [{destinationSubnets: [10.0.0.0/33]}]\n    route: [{destination: {host: reviews}}]\n", "spec.tcp[0].match[0].destinationSubnets[0]", "neither an IP address nor a CIDR" },
        { "  hosts: [reviews]\n  tcp:\n  - match: [{sourceLabels: {'app&': x}}]\n    route: [{destination: {host: reviews}}]\n", "spec.tcp[0].match[0].sourceLabels['app&']", "invalid label key" },
        { "  hosts: [reviews]\n  tcp:\n  - route: [{destination: {host: reviews}, weight: -1}, {destination: {host: reviews}}]\n", "spec.tcp[0].route[0].weight", "must not be negative" },
        { "  hosts: [reviews]\n  tcp:\n  - route: [{destination: {host: '*'}}]\n", "spec.tcp[0].route[0].destination.host", "not a valid destination" },
        { "  hosts: [reviews]\n  tls:\n  - route: [{destination: {host: reviews}}]\n", "spec.tls[0].match", "at least one match block" },
        { "  hosts: [reviews]\n  tls:\n  - match: [{port: 443}]\n    route: [{destination: {host: reviews}}]\n", "spec.tls[0].match[0].sniHosts", "at least one SNI host" },
        { "  hosts: [reviews]\n  tls:\n  - match: [{sniHosts: [other.example.com]}]\n    route: [{destination: {host: reviews}}]\n", "spec.tls[0].match[0].sniHosts[0]", "not covered by any of the VirtualService's hosts" },
        { "  hosts: ['*.example.com']\n  tls:\n  - match: [{sniHosts: ['a.*.example.com']}]\n    route: [{destination: {host: reviews}}]\n", "spec.tls[0].match[0].sniHosts[0]", "" },
        { "  hosts: ['*.example.com']\n  tls:\n  - match: [{sniHosts: [a.example.com]}]\n", "spec.tls[0].route", "at least one route destination" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Istio_rejects_the_l4_route_and_so_do_we(string spec, string path, string message) =>
        AssertProblem("VirtualService", Vs + spec, path, DiagnosticSeverity.Error, message);

    [Theory]
    [InlineData("  hosts: [reviews]\n  tcp:\n  - route: [{destination: {host: reviews}}]\n")]
    [InlineData("  hosts: [reviews]\n  tcp:\n  - match: [{port: 9080, destinationSubnets: [10.0.0.0/8, 192.168.0.1], sourceLabels: {app: x}, sourceNamespace: default}]\n    route: [{destination: {host: reviews, subset: v1}, weight: 30}, {destination: {host: reviews, subset: v2}, weight: 30}]\n")]
    [InlineData("  hosts: ['*.example.com']\n  tls:\n  - match: [{sniHosts: [a.example.com, '*.example.com'], port: 443}]\n    route: [{destination: {host: reviews}}]\n")]
    [InlineData("  hosts: [reviews.default.svc.cluster.local]\n  tls:\n  - match: [{sniHosts: [reviews.default.svc.cluster.local]}]\n    route: [{destination: {host: reviews}}]\n")]
    public void Istio_accepts_the_l4_route_and_so_do_we(string spec) => AssertAccepted("VirtualService", Vs + spec);

    [Fact]
    public void Tcp_and_tls_routes_are_no_longer_reported_as_ignored()
    {
        var (result, _) = Compile(Vs + "  hosts: ['*.example.com', reviews]\n  tcp:\n  - route: [{destination: {host: reviews}}]\n  tls:\n  - match: [{sniHosts: [a.example.com]}]\n    route: [{destination: {host: reviews}}]\n", "VirtualService");

        Assert.DoesNotContain(result.Diagnostics, d => d.Path.StartsWith("spec.tcp", StringComparison.Ordinal) || d.Path.StartsWith("spec.tls", StringComparison.Ordinal));
    }
}
