using Mesh.Operator.Validation;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Validation;

/// <summary>Istio's validation of delegation: what a root rule with delegate and a delegate VirtualService may hold.</summary>
public sealed class DelegateRulesTests
{
    private const string RootRule = "  hosts: [reviews]\n  http:\n  - match: [{uri: {prefix: /api}}]\n    delegate: {name: api}\n";

    private const string DelegateRule = "  http:\n  - route: [{destination: {host: reviews}}]\n";

    [Theory]
    [InlineData("    route: [{destination: {host: reviews}}]\n", "spec.http[0].route", "no route of its own")]
    [InlineData("    redirect: {uri: /x}\n", "spec.http[0].redirect", "no redirect of its own")]
    [InlineData("    directResponse: {status: 200}\n", "spec.http[0].directResponse", "no directResponse of its own")]
    public void A_rule_with_a_delegate_has_no_action_of_its_own(string extra, string path, string message) =>
        AssertProblem("VirtualService", Vs + RootRule + extra, path, DiagnosticSeverity.Error, message);

    [Theory]
    [InlineData("{name: ''}", "spec.http[0].delegate.name", "is required")]
    [InlineData("{name: Api_1}", "spec.http[0].delegate.name", "not a valid resource name")]
    [InlineData("{name: api, namespace: a.b}", "spec.http[0].delegate.namespace", "not a valid namespace")]
    public void The_delegate_reference_names_a_resource(string reference, string path, string message) =>
        AssertProblem("VirtualService", Vs + RootRule.Replace("{name: api}", reference, StringComparison.Ordinal), path, DiagnosticSeverity.Error, message);

    [Theory]
    [InlineData("  gateways: [mesh]\n" + DelegateRule, "spec.gateways", "must have no gateways")]
    [InlineData("  tcp: [{route: [{destination: {host: reviews}}]}]\n" + DelegateRule, "spec.tcp", "must have no tcp routes")]
    [InlineData("  http:\n  - delegate: {name: other}\n", "spec.http[0].delegate", "cannot delegate further")]
    [InlineData("  http:\n  - match: [{sourceLabels: {app: web}}]\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].match[0].sourceLabels", "set them in the root's match")]
    public void A_delegate_has_only_plain_http_rules(string spec, string path, string message) =>
        AssertProblem("VirtualService", Vs + spec, path, DiagnosticSeverity.Error, message);

    [Fact]
    public void A_virtual_service_without_hosts_is_a_delegate_not_an_error() =>
        AssertAccepted("VirtualService", Vs + DelegateRule);
}
