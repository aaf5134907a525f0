using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mesh.Kubernetes.Models;

/// <summary>Core v1 Secret. <see cref="Data"/> values are raw bytes (base64 on the wire, as System.Text.Json writes byte[]).</summary>
public sealed class Secret : IKubernetesObject
{
    public string? ApiVersion { get; set; } = "v1";

    public string? Kind { get; set; } = "Secret";

    public ObjectMeta Metadata { get; set; } = new();

    /// <summary><c>Opaque</c> unless a well-known type is meant.</summary>
    public string? Type { get; set; }

    public Dictionary<string, byte[]>? Data { get; set; }

    public bool? Immutable { get; set; }

    /// <summary>Fields this project does not interpret (stringData, ...), kept for read-modify-write.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
