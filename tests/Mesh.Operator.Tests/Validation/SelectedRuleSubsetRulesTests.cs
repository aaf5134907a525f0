using Mesh.Operator.Validation;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Validation;

/// <summary>
/// A route to a subset that only a DestinationRule with a workloadSelector defines: accepted, as Istio accepts it (its
/// analyzer counts the subsets of every rule for the host), with a warning that names the rule and the workloads that
/// have the subset, because every other proxy answers 503 for it.
/// </summary>
public sealed class SelectedRuleSubsetRulesTests
{
    private const string Canary = """
        apiVersion: mesh.io/v1alpha1
        kind: DestinationRule
        metadata: {name: reviews-canary, namespace: default, creationTimestamp: "2024-01-02T00:00:00Z"}
        spec:
          host: reviews
          workloadSelector: {matchLabels: {app: ratings}}
          subsets: [{name: v3, labels: {version: v3}}]
        ---

        """;

    private const string Expected =
        "subset 'v3' of reviews.default.svc.cluster.local is defined only by the workload-selected DestinationRule default/reviews-canary "
        + "(for the workloads in namespace default labelled app=ratings): only the proxies of those workloads have it; the others answer 503 for this destination";

    [Fact]
    public void A_route_to_the_subset_is_accepted_with_a_warning_at_the_subset_naming_the_rule_and_its_workloads()
    {
        var (result, _) = Compile(Canary + Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews, subset: v3}}]\n", "VirtualService");

        Assert.True(result.IsAccepted, string.Join(" | ", result.Diagnostics));
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(("spec.http[0].route[0].destination.subset", DiagnosticSeverity.Warning, Expected), (warning.Path, warning.Severity, warning.Message));
    }

    [Fact]
    public void A_mirror_to_the_subset_is_accepted_with_the_warning_at_the_mirrors_subset() =>
        AssertProblem(
            "VirtualService",
            Canary + Vs + "  hosts: [reviews]\n  http:\n  - mirror: {host: reviews, subset: v3}\n    route: [{destination: {host: reviews}}]\n",
            "spec.http[0].mirror.subset",
            DiagnosticSeverity.Warning,
            "defined only by the workload-selected DestinationRule default/reviews-canary");

    [Fact]
    public void Every_rule_defining_the_subset_is_named_and_an_empty_selector_reads_as_the_whole_namespace()
    {
        var whole = Canary.Replace("reviews-canary", "reviews-all-of-default", StringComparison.Ordinal)
            .Replace("{matchLabels: {app: ratings}}", "{}", StringComparison.Ordinal)
            .Replace("2024-01-02", "2024-01-03", StringComparison.Ordinal);

        AssertProblem(
            "VirtualService",
            Canary + whole + Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews, subset: v3}}]\n",
            "spec.http[0].route[0].destination.subset",
            DiagnosticSeverity.Warning,
            "default/reviews-canary (for the workloads in namespace default labelled app=ratings); default/reviews-all-of-default (for every workload in namespace default)");
    }

    [Fact]
    public void A_subset_the_rule_in_force_defines_gets_no_warning_though_a_selected_rule_defines_it_too()
    {
        var (result, _) = Compile(Canary.Replace("v3", "v1", StringComparison.Ordinal) + Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews, subset: v1}}]\n", "VirtualService");

        Assert.Empty(result.Diagnostics);
    }

    /// <summary>The younger of two rules with one selector is ignored for the host, so its subsets exist nowhere.</summary>
    [Fact]
    public void A_subset_only_an_ignored_younger_rule_with_the_same_selector_defines_is_still_unknown()
    {
        var older = Canary.Replace("reviews-canary", "reviews-older", StringComparison.Ordinal)
            .Replace("subsets: [{name: v3, labels: {version: v3}}]", "trafficPolicy: {loadBalancer: {simple: RANDOM}}", StringComparison.Ordinal)
            .Replace("2024-01-02", "2024-01-01", StringComparison.Ordinal);

        AssertProblem(
            "VirtualService",
            older + Canary + Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews, subset: v3}}]\n",
            "spec.http[0].route[0].destination.subset",
            DiagnosticSeverity.Error,
            "unknown subset 'v3' of reviews.default.svc.cluster.local");
    }

    [Fact]
    public void A_subset_no_rule_defines_is_still_an_unknown_subset() =>
        AssertProblem(
            "VirtualService",
            Canary + Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews, subset: v9}}]\n",
            "spec.http[0].route[0].destination.subset",
            DiagnosticSeverity.Error,
            "unknown subset 'v9'");
}
