using System.Text.Json.Nodes;

namespace Mesh.Kubernetes.Tests.Fixtures;

/// <summary>A failure the fake API server answers with a <c>metav1.Status</c> body, as the real one does.</summary>
internal sealed class FakeApiError(int code, string reason, string message) : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;

    public static FakeApiError NotFound(string plural, string name)
        => new(404, "NotFound", $"{plural} \"{name}\" not found");

    public static FakeApiError Conflict(string plural, string name)
        => new(409, "Conflict", $"Operation cannot be fulfilled on {plural} \"{name}\": the object has been modified; please apply your changes to the latest version and try again");

    public static FakeApiError Expired(string message) => new(410, "Expired", message);

    public static FakeApiError BadRequest(string message) => new(400, "BadRequest", message);

    public JsonObject ToStatus() => StatusJson(Code, Reason, Message);

    public static JsonObject StatusJson(int code, string reason, string message) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    };
}
