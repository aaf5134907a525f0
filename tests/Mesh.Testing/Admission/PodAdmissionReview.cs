using System.Text.Json.Nodes;

namespace Mesh.Testing.Admission;

/// <summary>
/// Turns Kubernetes' published AdmissionReview JSON (every envelope field filled) into the review the API server
/// sends a pod webhook: its request made a pod CREATE (or the given operation) of <c>pod</c>, no response yet.
/// </summary>
public static class PodAdmissionReview
{
    public const string Uid = "705ab4f5-6393-11e8-b7cc-42010a800002";

    /// <param name="envelopeJson">The text of <c>admission.k8s.io.v1.AdmissionReview.json</c> (each project carries its attributed copy).</param>
    public static JsonObject Create(string envelopeJson, JsonObject pod, string @namespace = "bookinfo", string operation = "CREATE")
    {
        var review = JsonNode.Parse(envelopeJson)!.AsObject();
        var request = review["request"]!.AsObject();
        request["uid"] = Uid;
        request["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" };
        request["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" };
        request["requestKind"] = request["kind"]!.DeepClone();
        request["requestResource"] = request["resource"]!.DeepClone();
        request.Remove("subResource");
        request.Remove("requestSubResource");
        request["name"] = "";
        request["namespace"] = @namespace;
        request["operation"] = operation;
        request["object"] = pod.DeepClone();
        request.Remove("oldObject");
        request["dryRun"] = false;
        review.Remove("response");
        return review;
    }
}
