using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Mesh.Operator.Injection;

/// <summary>
/// The <c>admission.k8s.io/v1</c> AdmissionReview envelope, typed only where the webhook reads or writes it;
/// every other field is kept in <see cref="Extra"/> so nothing the API server sends is lost.
/// </summary>
internal sealed class AdmissionReview
{
    public const string ApiVersionV1 = "admission.k8s.io/v1";
    public const string KindName = "AdmissionReview";

    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public AdmissionRequest? Request { get; set; }

    public AdmissionResponse? Response { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>The request half: what is being admitted, where, and by which operation.</summary>
internal sealed class AdmissionRequest
{
    public string? Uid { get; set; }

    public GroupVersionKind? Kind { get; set; }

    public GroupVersionResource? Resource { get; set; }

    public string? SubResource { get; set; }

    public string? Namespace { get; set; }

    public string? Operation { get; set; }

    /// <summary>The object as admitted; a tree rather than a model so the patch can address any field of it.</summary>
    public JsonObject? Object { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed class GroupVersionKind
{
    public string? Group { get; set; }

    public string? Version { get; set; }

    public string? Kind { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed class GroupVersionResource
{
    public string? Group { get; set; }

    public string? Version { get; set; }

    public string? Resource { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>The response half; <see cref="PatchType"/> and <see cref="Patch"/> are set together or not at all.</summary>
internal sealed class AdmissionResponse
{
    public const string JsonPatchType = "JSONPatch";

    public required string Uid { get; init; }

    public required bool Allowed { get; init; }

    public AdmissionStatus? Status { get; init; }

    public string? PatchType { get; init; }

    /// <summary>The JSON Patch array, serialized as base64 (the API's <c>[]byte</c>).</summary>
    public byte[]? Patch { get; init; }

    /// <summary>Warnings the API server passes on to the client (kubectl prints them).</summary>
    public IReadOnlyList<string>? Warnings { get; init; }
}

/// <summary>The <c>metav1.Status</c> subset a denial carries back to the client.</summary>
internal sealed class AdmissionStatus
{
    public int Code { get; init; }

    public string? Reason { get; init; }

    public string? Message { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    // A key given twice could be read one way here and another way by the API server applying the patch.
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(AdmissionReview))]
internal sealed partial class AdmissionJsonContext : JsonSerializerContext;
