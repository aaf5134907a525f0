using Mesh.Operator.Validation;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Validation;

/// <summary>Istio's unreachable-rule warnings: reported, never blocking (the resource stays accepted).</summary>
public sealed class UnreachableRuleTests
{
    private const string Catchall = "  - route: [{destination: {host: reviews}}]\n";

    public static TheoryData<string, string, string> Warned() => new()
    {
        { Catchall + "  - match: [{uri: {prefix: /a}}]\n    route: [{destination: {host: reviews}}]\n", "spec.http[1]", "rule #0 before it has no matches" },
        { Catchall + Catchall, "spec.http[1]", "no matches" },
        { "  - name: first\n    match: [{uri: {prefix: /a}}]\n    route: [{destination: {host: reviews}}]\n  - match: [{uri: {prefix: /a}, name: again}]\n    route: [{destination: {host: reviews}}]\n", "spec.http[1]", "all its matches are used by rules before it" },
        { "  - name: first\n    match: [{uri: {prefix: /a}}]\n    route: [{destination: {host: reviews}}]\n  - match: [{uri: {prefix: /a}}, {uri: {prefix: /b}}]\n    route: [{destination: {host: reviews}}]\n", "spec.http[1].match[0]", "rule 'first' has the same match" },
        { "  - match: [{uri: {prefix: /a}}]\n    route: [{destination: {host: reviews}}]\n  - match: [{uri: {prefix: /a}, headers: {x: {exact: y}}}]\n    route: [{destination: {host: reviews}}]\n", "spec.http[1].match[0]", "rule #0 before it has a match that takes every request this one does" },
        { "  - match: [{uri: {prefix: /api/v1/product}}, {uri: {prefix: /api/v1/products}, method: {exact: GET}}]\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].match[1]", "rule #0 before it has a match" },
    };

    [Theory]
    [MemberData(nameof(Warned))]
    public void An_unreachable_rule_or_match_is_a_warning(string rules, string path, string message) =>
        AssertProblem("VirtualService", Vs + "  hosts: [reviews]\n  http:\n" + rules, path, DiagnosticSeverity.Warning, message);

    [Fact]
    public void Narrower_matches_before_wider_ones_and_a_final_catch_all_get_no_warning()
    {
        var (result, _) = Compile(
            Vs + "  hosts: [reviews]\n  http:\n  - match: [{uri: {prefix: /a/b}, headers: {x: {exact: y}}}]\n    route: [{destination: {host: reviews}}]\n  - match: [{uri: {prefix: /a}}, {uri: {exact: /}}]\n    route: [{destination: {host: reviews}}]\n" + Catchall,
            "VirtualService");

        Assert.Empty(result.Diagnostics);
    }
}
