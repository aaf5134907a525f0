using System.Text.Json.Nodes;
using Mesh.Operator.Injection;

namespace Mesh.Operator.Tests.Injection;

/// <summary>The operator's own decision for each row of <see cref="InjectionCases"/>: the entry it names and whether it injects.</summary>
public sealed class InjectionDecisionTests
{
    private const string OperatorNamespace = "mesh-system";

    [Theory]
    [MemberData(nameof(InjectionCases.Theory), MemberType = typeof(InjectionCases))]
    public void The_operator_decides_each_case_as_the_table_says(InjectionCase row)
    {
        var decision = Decide(row);

        Assert.Equal((row.Entry ?? "none", row.Inject), (decision.Entry, decision.Inject));
    }

    [Fact]
    public void Each_reason_names_the_opt_in_form_that_injected()
    {
        var reasons = InjectionCases.All.Where(r => r.Inject).Select(r => (r.OptIn, Decide(r).Reason)).Distinct().Order().ToList();

        Assert.Equal([("namespace-label", "namespace-label"), ("namespace-label", "pod-annotation"), ("namespace-label", "pod-label"), ("pod-annotation", "pod-annotation"), ("pod-label", "pod-label")], reasons);
    }

    [Fact]
    public void A_pod_the_chart_never_sends_is_still_skipped_with_its_reason()
    {
        Assert.Equal("namespace-disabled", Decide(InjectionCases.All.First(r => r.NamespaceLabel == "disabled" && r.PodLabel == "true")).Reason);
        Assert.Equal("operator-namespace", Decide(InjectionCases.All.First(r => r.Namespace == OperatorNamespace)).Reason);
        Assert.Equal("kube-system", Decide(InjectionCases.All.First(r => r.Namespace == "kube-system")).Reason);
        Assert.Equal("opted-out", Decide(InjectionCases.All.First(r => r.PodLabel == "false")).Reason);
    }

    internal static InjectionDecision Decide(InjectionCase row)
    {
        var metadata = new JsonObject { ["name"] = "app" };
        if (row.PodLabel is { } label)
        {
            metadata["labels"] = new JsonObject { ["mesh.io/inject"] = label };
        }

        if (row.PodAnnotation is { } annotation)
        {
            metadata["annotations"] = new JsonObject { ["mesh.io/inject"] = annotation };
        }

        var pod = new JsonObject { ["metadata"] = metadata, ["spec"] = new JsonObject { ["containers"] = new JsonArray() } };
        var labels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = row.Namespace };
        if (row.NamespaceLabel is { } namespaceLabel)
        {
            labels["mesh.io/injection"] = namespaceLabel;
        }

        return InjectionDecision.Decide(pod, row.Namespace, labels, OperatorNamespace);
    }
}
