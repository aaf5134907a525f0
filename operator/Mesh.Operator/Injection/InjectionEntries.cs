namespace Mesh.Operator.Injection;

/// <summary>
/// The entries of the chart's MutatingWebhookConfiguration (charts/mesh/templates/_helpers.tpl), named without the
/// <c>.sidecar-injector.mesh.io</c> suffix, and which one the API server sends a pod to: <see cref="Match"/> evaluates
/// their label selectors. A test renders the chart with helm and checks both against one table of cases.
/// </summary>
internal static class InjectionEntries
{
    /// <summary>Namespace labelled <c>mesh.io/injection=enabled</c>, pod not labelled <c>mesh.io/inject: "false"</c>; failurePolicy Fail.</summary>
    public const string Namespace = "namespace";

    /// <summary>Pod labelled <c>mesh.io/inject: "true"</c> in a namespace neither enabled nor disabled; failurePolicy Fail.</summary>
    public const string PodLabel = "pod-label";

    /// <summary>Every other pod of a namespace neither enabled nor disabled, for the annotation opt-in; failurePolicy Ignore.</summary>
    public const string Annotation = "annotation";

    /// <summary>No entry sends the pod (the webhook was called some other way).</summary>
    public const string None = "none";

    public static string Match(string namespaceName, string? namespaceLabel, string? podLabel, string operatorNamespace)
    {
        if (namespaceName == "kube-system" || namespaceName == operatorNamespace || namespaceLabel == "disabled")
        {
            return None;
        }

        if (namespaceLabel == "enabled")
        {
            return podLabel == "false" ? None : Namespace;
        }

        return podLabel switch
        {
            "true" => PodLabel,
            "false" => None,
            _ => Annotation,
        };
    }
}
