using System.Text.Json.Nodes;

namespace Mesh.Operator.Injection;

/// <summary>
/// Whether a pod gets the sidecar, which of the chart's webhook entries sends it (<see cref="InjectionEntries"/>), and
/// why: entry and reason are the labels of <c>mesh_injection_total</c> and fields of the log.
/// </summary>
internal readonly record struct InjectionDecision(bool Inject, string Entry, string Reason)
{
    public static InjectionDecision Decide(JsonObject pod, string namespaceName, IReadOnlyDictionary<string, string>? namespaceLabels, string operatorNamespace)
    {
        var metadata = pod["metadata"] as JsonObject;
        var annotations = metadata?["annotations"] as JsonObject;
        var podLabel = Text((metadata?["labels"] as JsonObject)?[InjectionAnnotations.Inject]);
        string? namespaceLabel = null;
        namespaceLabels?.TryGetValue(InjectionAnnotations.NamespaceLabel, out namespaceLabel);
        var entry = InjectionEntries.Match(namespaceName, namespaceLabel, podLabel, operatorNamespace);

        // Checked first: under reinvocationPolicy IfNeeded the webhook sees its own output again.
        if (annotations?.ContainsKey(InjectionAnnotations.Status) == true)
        {
            return new(false, entry, "already-injected");
        }

        if (pod["spec"]?["hostNetwork"] is JsonValue host && host.TryGetValue(out bool hostNetwork) && hostNetwork)
        {
            return new(false, entry, "host-network");
        }

        // The rest mirrors the entries' selectors (no entry sends these pods), so that a pod sent by a webhook
        // configured some other way is still decided as the chart would have.
        if (namespaceName == "kube-system")
        {
            return new(false, entry, "kube-system");
        }

        if (namespaceName == operatorNamespace)
        {
            return new(false, entry, "operator-namespace");
        }

        if (namespaceLabel == "disabled")
        {
            return new(false, entry, "namespace-disabled");
        }

        // Labels compare exactly, as selectors do; either "false" opts out, whatever else the pod says.
        var podSays = Text(annotations?[InjectionAnnotations.Inject]);
        if (podLabel == "false" || string.Equals(podSays, "false", StringComparison.OrdinalIgnoreCase))
        {
            return new(false, entry, "opted-out");
        }

        if (podLabel == "true")
        {
            return new(true, entry, "pod-label");
        }

        if (string.Equals(podSays, "true", StringComparison.OrdinalIgnoreCase))
        {
            return new(true, entry, "pod-annotation");
        }

        return namespaceLabel == "enabled" ? new(true, entry, "namespace-label") : new(false, entry, "not-enabled");
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;
}
