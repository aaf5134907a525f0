using System.Text.Json.Nodes;

namespace Mesh.Operator.Injection;

/// <summary>
/// The RFC 6902 patch that injects <see cref="SidecarTemplate"/> into a pod. "add" into an object or array that
/// the pod lacks fails, so a missing <c>/metadata/annotations</c>, <c>/spec/initContainers</c> or
/// <c>/spec/volumes</c> is created whole instead.
/// </summary>
internal static class PodPatch
{
    public static JsonArray Build(JsonObject pod, SidecarTemplate template, ProxyOverrides overrides)
    {
        var patch = new JsonArray();
        var spec = pod["spec"] as JsonObject;
        var proxy = template.Proxy(pod, overrides);
        var init = template.Init(overrides);

        // Resulting initContainers: [mesh-init, mesh-proxy (native), ...the pod's own], so capture is in place
        // before the proxy starts and the proxy is ready before anything of the pod's runs.
        var before = template.NativeSidecar ? new[] { init, proxy } : [init];
        if (spec?["initContainers"] is JsonArray)
        {
            foreach (var container in before.Reverse())
            {
                patch.Add(Add("/spec/initContainers/0", container));
            }
        }
        else
        {
            patch.Add(Add("/spec/initContainers", new JsonArray(before)));
        }

        if (!template.NativeSidecar)
        {
            patch.Add(spec?["containers"] is JsonArray
                ? Add("/spec/containers/0", proxy)
                : Add("/spec/containers", new JsonArray(proxy)));
        }

        patch.Add(spec?["volumes"] is JsonArray
            ? Add("/spec/volumes/-", SidecarTemplate.TmpVolume())
            : Add("/spec/volumes", new JsonArray(SidecarTemplate.TmpVolume())));

        var status = template.Status();
        if (pod["metadata"] is not JsonObject metadata)
        {
            patch.Add(Add("/metadata", new JsonObject { ["annotations"] = new JsonObject { [InjectionAnnotations.Status] = status } }));
        }
        else if (metadata["annotations"] is not JsonObject)
        {
            patch.Add(Add("/metadata/annotations", new JsonObject { [InjectionAnnotations.Status] = status }));
        }
        else
        {
            patch.Add(Add(JsonPointer.Append("/metadata/annotations", InjectionAnnotations.Status), status));
        }

        return patch;
    }

    /// <summary>The name of an injected container or volume the pod already uses, which the API server would reject as a duplicate.</summary>
    public static string? Conflict(JsonObject pod)
    {
        var spec = pod["spec"] as JsonObject;
        foreach (var list in (string[])["initContainers", "containers", "volumes"])
        {
            if (spec?[list] is not JsonArray items)
            {
                continue;
            }

            foreach (var item in items)
            {
                var name = item?["name"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? item["name"]!.GetValue<string>() : null;
                if (name is SidecarTemplate.ProxyName or SidecarTemplate.InitName or SidecarTemplate.TmpVolumeName)
                {
                    return $"spec.{list} already has an entry named {name}, which injection adds; rename it or set {InjectionAnnotations.Inject}: \"false\"";
                }
            }
        }

        return null;
    }

    private static JsonObject Add(string path, JsonNode value) => new() { ["op"] = "add", ["path"] = path, ["value"] = value };
}
