using Mesh.Api.V1;
using Mesh.Operator.Validation;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Validation;

/// <summary>Fields that apply only to gateways: warned (naming the field) and, as in Istio, not applied to sidecars.</summary>
public sealed class GatewayOnlyFieldsTests
{
    [Fact]
    public void A_virtual_service_bound_only_to_a_gateway_is_warned_and_configures_no_sidecar()
    {
        var yaml = Vs + "  gateways: [shop/public]\n  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews, subset: v2}}]\n";

        AssertProblem("VirtualService", yaml, "spec.gateways[0]", DiagnosticSeverity.Warning, "gateway-only");
        var (_, mesh) = Compile(yaml, "VirtualService");
        var reviews = ReviewsHost(mesh);
        Assert.Equal("default", reviews.Routes.Single().Name);
    }

    [Fact]
    public void A_virtual_service_bound_to_mesh_and_a_gateway_applies_to_sidecars_with_a_warning_for_the_gateway()
    {
        var yaml = Vs + "  gateways: [mesh, shop/public]\n  hosts: [reviews]\n  http:\n  - name: v2\n    route: [{destination: {host: reviews, subset: v2}}]\n";

        AssertProblem("VirtualService", yaml, "spec.gateways[1]", DiagnosticSeverity.Warning, "the rules apply to the sidecars ('mesh') only");
        var (_, mesh) = Compile(yaml, "VirtualService");
        Assert.Equal("v2", ReviewsHost(mesh).Routes.Single().Name);
    }

    [Fact]
    public void A_match_block_bound_to_a_gateway_is_warned_and_skipped_by_sidecars()
    {
        var yaml = Vs + "  hosts: [reviews]\n  http:\n  - name: gw\n    match: [{gateways: [shop/public], uri: {prefix: /gw}}]\n    route: [{destination: {host: reviews, subset: v2}}]\n  - name: rest\n    route: [{destination: {host: reviews, subset: v1}}]\n";

        AssertProblem("VirtualService", yaml, "spec.http[0].match[0].gateways", DiagnosticSeverity.Warning, "gateway-only");
        var (_, mesh) = Compile(yaml, "VirtualService");
        Assert.Equal(["rest"], ReviewsHost(mesh).Routes.Select(r => r.Name));
    }

    [Fact]
    public void Routing_on_jwt_claims_is_an_error_without_a_gateway_as_in_istio() =>
        AssertProblem(
            "VirtualService",
            Rule("match: [{headers: {'@request.auth.claims.group': {exact: admin}}}]"),
            "spec.http[0].match[0].headers['@request.auth.claims.group']",
            DiagnosticSeverity.Error,
            "gateway-only");

    private static VirtualHost ReviewsHost(Mesh.Operator.Compiler.CompiledMesh mesh) =>
        mesh.ConfigFor(new Node { Id = "p", Namespace = "default" }).ToProxyConfig().VirtualHosts
            .Single(h => h.Name == "reviews.default.svc.cluster.local");
}
