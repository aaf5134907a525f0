using System.Text.Json.Nodes;

namespace Mesh.Operator.Injection;

/// <summary>
/// Pods the sidecar cannot be added to without breaking them. Such a pod is admitted as it is, without a patch, with
/// an admission warning (kubectl prints it) and a skip reason for the metric and log: a pod with no <c>spec</c> (a
/// patch would not apply), and a container port equal to one of the proxy's ports, where the proxy and the
/// application would fight over the port in the pod's one network namespace and captured traffic would loop.
/// </summary>
internal static class InjectionPrecheck
{
    public static (string Reason, string Warning)? Problem(JsonObject pod, InjectionOptions options)
    {
        if (pod["spec"] is not JsonObject spec)
        {
            return ("no-spec", "mesh injection skipped: the pod has no spec to add the sidecar to");
        }

        int[] reserved = [options.OutboundPort, options.InboundPort, options.AdminPort];
        foreach (var container in (spec["containers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            foreach (var port in (container["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (port["containerPort"] is JsonValue value && value.TryGetValue(out long number) && reserved.Contains((int)number))
                {
                    var name = container["name"] is JsonValue n && n.TryGetValue(out string? text) ? text : "(unnamed)";
                    return ("port-conflict",
                        $"mesh injection skipped: container '{name}' uses port {number}, which the mesh proxy needs "
                        + $"({options.OutboundPort} outbound, {options.InboundPort} inbound, {options.AdminPort} admin); move the application to another port");
                }
            }
        }

        return null;
    }
}
