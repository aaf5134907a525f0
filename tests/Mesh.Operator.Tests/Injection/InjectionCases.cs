namespace Mesh.Operator.Tests.Injection;

/// <summary>
/// One pod creation: the namespace and its <c>mesh.io/injection</c> label, the pod's <c>mesh.io/inject</c> label and
/// annotation (null: absent), how the pod or its namespace opted in (null: neither did; an annotation "false" that
/// then opts the pod out does not undo it, since no selector can see it), the webhook entry that must see it (null:
/// none) and whether the sidecar is injected.
/// </summary>
public sealed record InjectionCase(
    string Namespace,
    string? NamespaceLabel,
    string? PodLabel,
    string? PodAnnotation,
    string? OptIn,
    string? Entry,
    bool Inject)
{
    public override string ToString() =>
        $"ns {Namespace}{(NamespaceLabel is null ? "" : $" mesh.io/injection={NamespaceLabel}")}, pod label {PodLabel ?? "-"}, annotation {PodAnnotation ?? "-"}";
}

/// <summary>
/// The one table that decides both the chart's webhook selectors and the operator's skip rules
/// (Chart/WebhookSelectorTests evaluates the helm-rendered selectors against it, InjectionDecisionTests the operator).
/// </summary>
public static class InjectionCases
{
    private const string Enabled = "enabled", Disabled = "disabled";

    public static IReadOnlyList<InjectionCase> All { get; } =
    [
        // A namespace without the label: only the pod's own opt-in counts.
        new("shop", null, null, null, null, "annotation", false),
        new("shop", null, null, "true", "pod-annotation", "annotation", true),
        new("shop", null, null, "True", "pod-annotation", "annotation", true),
        new("shop", null, null, "false", null, "annotation", false),
        new("shop", null, "true", null, "pod-label", "pod-label", true),
        new("shop", null, "true", "true", "pod-label", "pod-label", true),
        new("shop", null, "true", "false", "pod-label", "pod-label", false),
        new("shop", null, "false", null, null, null, false),
        new("shop", null, "false", "true", null, null, false),
        new("shop", null, "True", null, null, "annotation", false),
        new("shop", null, "yes", "true", "pod-annotation", "annotation", true),

        // Some other value of the namespace label is no opt-in either.
        new("shop", "maybe", null, null, null, "annotation", false),
        new("shop", "maybe", "true", null, "pod-label", "pod-label", true),

        // An enabled namespace: every pod unless it opts out.
        new("shop", Enabled, null, null, "namespace-label", "namespace", true),
        new("shop", Enabled, null, "true", "namespace-label", "namespace", true),
        new("shop", Enabled, null, "false", "namespace-label", "namespace", false),
        new("shop", Enabled, "true", null, "namespace-label", "namespace", true),
        new("shop", Enabled, "false", null, null, null, false),
        new("shop", Enabled, "false", "true", null, null, false),

        // A disabled namespace: the webhook is never called, whatever the pod says.
        new("shop", Disabled, null, null, null, null, false),
        new("shop", Disabled, "true", "true", null, null, false),
        new("shop", Disabled, null, "true", null, null, false),

        // kube-system and the operator's own namespace: never.
        new("kube-system", null, null, "true", null, null, false),
        new("kube-system", Enabled, "true", null, null, null, false),
        new("mesh-system", null, "true", "true", null, null, false),
        new("mesh-system", Enabled, null, null, null, null, false),
    ];

    public static TheoryData<InjectionCase> Theory => [.. All];
}
