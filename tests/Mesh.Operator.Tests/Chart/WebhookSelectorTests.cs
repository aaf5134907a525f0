using System.Text.Json.Nodes;
using Mesh.Operator.Injection;
using Mesh.Operator.Tests.Injection;

namespace Mesh.Operator.Tests.Chart;

/// <summary>
/// The webhook entries as helm renders them, their selectors evaluated with Kubernetes' semantics against
/// <see cref="InjectionCases"/> (the table the operator's decision is tested against too): no pod that did not opt in
/// by a label is behind a Fail entry, every opt-in form reaches exactly one entry, and the operator names the same one.
/// </summary>
public sealed class WebhookSelectorTests
{
    private const string Suffix = ".sidecar-injector.mesh.io";

    private static readonly Lazy<Task<IReadOnlyList<JsonObject>>> Default = new(() => Helm.TemplateAsync());

    [HelmTheory]
    [MemberData(nameof(InjectionCases.Theory), MemberType = typeof(InjectionCases))]
    public async Task Each_case_reaches_the_entry_the_table_names_and_the_operator_names_it_too(InjectionCase row)
    {
        var matched = Matching(await WebhooksAsync(), row);

        Assert.Equal(row.Entry is null ? [] : [row.Entry + Suffix], matched.Select(w => (string?)w["name"]));
        Assert.Equal(row.Entry ?? InjectionEntries.None, InjectionDecisionTests.Decide(row).Entry);
    }

    [HelmFact]
    public async Task Only_pods_that_opted_in_by_a_label_are_behind_a_fail_entry_and_each_opt_in_reaches_one_entry()
    {
        var webhooks = await WebhooksAsync();

        foreach (var row in InjectionCases.All)
        {
            var matched = Matching(webhooks, row);
            if (matched.Any(w => (string?)w["failurePolicy"] == "Fail"))
            {
                Assert.True(row.OptIn is "namespace-label" or "pod-label", $"{row} is behind a Fail entry");
            }

            if (row.OptIn is not null)
            {
                Assert.True(matched.Count == 1, $"{row} opted in ({row.OptIn}) and reaches {matched.Count} entries");
            }
        }

        Assert.Contains(InjectionCases.All, r => r.OptIn == "pod-annotation");
        Assert.Contains(InjectionCases.All, r => r.OptIn == "pod-label");
        Assert.Contains(InjectionCases.All, r => r.OptIn == "namespace-label");
    }

    [HelmFact]
    public async Task For_every_combination_of_labels_and_annotation_the_chart_and_the_operator_name_the_same_entry()
    {
        var webhooks = await WebhooksAsync();
        string?[] namespaceLabels = [null, "enabled", "disabled", "maybe"], podLabels = [null, "true", "false", "True"], annotations = [null, "true", "false"];

        var rows =
            from ns in new[] { "shop", "kube-system", Helm.Namespace }
            from namespaceLabel in namespaceLabels
            from podLabel in podLabels
            from annotation in annotations
            select new InjectionCase(ns, namespaceLabel, podLabel, annotation, null, null, false);
        foreach (var row in rows)
        {
            var matched = Matching(webhooks, row).Select(w => ((string)w["name"]!)[..^Suffix.Length]).ToList();
            var decision = InjectionDecisionTests.Decide(row);

            Assert.True(matched.Count <= 1, $"{row} reaches {string.Join(", ", matched)}");
            Assert.True(decision.Entry == (matched.SingleOrDefault() ?? InjectionEntries.None), $"{row}: the chart sends it to {matched.SingleOrDefault() ?? "no entry"}, the operator names {decision.Entry}");
            Assert.False(decision.Inject && matched.Count == 0, $"{row}: the operator would inject a pod the chart never sends");
        }
    }

    [HelmFact]
    public async Task Label_entries_fail_closed_and_the_annotation_entry_fails_open_with_a_short_timeout()
    {
        var webhooks = await WebhooksAsync();

        Assert.Equal(
            [("namespace" + Suffix, "Fail", 10), ("pod-label" + Suffix, "Fail", 10), ("annotation" + Suffix, "Ignore", 3)],
            webhooks.Select(w => ((string?)w["name"], (string?)w["failurePolicy"], (long?)w["timeoutSeconds"])));
        Assert.All(webhooks, w =>
        {
            Assert.Equal(["CREATE"], w["rules"]![0]!["operations"]!.AsArray().Select(o => (string?)o));
            Assert.Equal(["pods"], w["rules"]![0]!["resources"]!.AsArray().Select(o => (string?)o));
            Assert.Equal(("None", "IfNeeded"), ((string?)w["sideEffects"], (string?)w["reinvocationPolicy"]));
            Assert.Equal(["v1"], w["admissionReviewVersions"]!.AsArray().Select(o => (string?)o));
            var service = w["clientConfig"]!["service"]!;
            Assert.Equal(("mesh-operator", Helm.Namespace, "/inject", 443), ((string?)service["name"], (string?)service["namespace"], (string?)service["path"], (long?)service["port"]));
            Assert.Equal("", (string?)w["clientConfig"]!["caBundle"]);
        });
    }

    [HelmFact]
    public async Task Without_the_annotation_opt_in_only_label_opt_ins_reach_the_webhook()
    {
        var rendered = await Helm.TemplateAsync(["--set", "webhook.annotationOptIn=false"]);
        var webhooks = rendered.Single("MutatingWebhookConfiguration")["webhooks"]!.AsArray().Select(w => w!.AsObject()).ToList();

        foreach (var row in InjectionCases.All)
        {
            var expected = row.Entry is null or "annotation" ? [] : new[] { row.Entry + Suffix };
            Assert.Equal(expected, Matching(webhooks, row).Select(w => (string?)w["name"]));
        }
    }

    private static async Task<List<JsonObject>> WebhooksAsync() =>
        [.. (await Default.Value).Single("MutatingWebhookConfiguration")["webhooks"]!.AsArray().Select(w => w!.AsObject())];

    /// <summary>The entries whose namespaceSelector and objectSelector both match the case.</summary>
    private static List<JsonObject> Matching(IEnumerable<JsonObject> webhooks, InjectionCase row)
    {
        // The API server labels every namespace with its name (kubernetes.io/metadata.name).
        var namespaceLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = row.Namespace };
        if (row.NamespaceLabel is { } label)
        {
            namespaceLabels["mesh.io/injection"] = label;
        }

        var podLabels = row.PodLabel is { } podLabel ? new Dictionary<string, string> { ["mesh.io/inject"] = podLabel } : [];
        return [.. webhooks.Where(w => LabelSelector.Matches(w["namespaceSelector"], namespaceLabels) && LabelSelector.Matches(w["objectSelector"], podLabels))];
    }
}
