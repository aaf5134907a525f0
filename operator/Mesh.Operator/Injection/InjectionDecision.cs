using System.Text.Json.Nodes;

namespace Mesh.Operator.Injection;

/// <summary>Whether a pod gets the sidecar, and why: the reason is the metric's <c>reason</c> label and the log's.</summary>
internal readonly record struct InjectionDecision(bool Inject, string Reason)
{
    public static InjectionDecision Decide(JsonObject pod, string namespaceName, IReadOnlyDictionary<string, string>? namespaceLabels)
    {
        var annotations = pod["metadata"]?["annotations"] as JsonObject;

        // Checked first: under reinvocationPolicy IfNeeded the webhook sees its own output again.
        if (annotations?.ContainsKey(InjectionAnnotations.Status) == true)
        {
            return new(false, "already-injected");
        }

        if (pod["spec"]?["hostNetwork"] is JsonValue host && host.TryGetValue(out bool hostNetwork) && hostNetwork)
        {
            return new(false, "host-network");
        }

        if (namespaceName == "kube-system")
        {
            return new(false, "kube-system");
        }

        var podSays = annotations?[InjectionAnnotations.Inject] is JsonValue value && value.TryGetValue(out string? text) ? text : null;
        if (string.Equals(podSays, "false", StringComparison.OrdinalIgnoreCase))
        {
            return new(false, "opted-out");
        }

        if (string.Equals(podSays, "true", StringComparison.OrdinalIgnoreCase))
        {
            return new(true, "pod-annotation");
        }

        if (namespaceLabels is not null
            && namespaceLabels.TryGetValue(InjectionAnnotations.NamespaceLabel, out var label)
            && label == "enabled")
        {
            return new(true, "namespace-label");
        }

        return new(false, "not-enabled");
    }
}
