using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mesh.Kubernetes.Models;

/// <summary>Kubernetes' core/v1 Namespace; the mesh reads only its labels (injection opt-in).</summary>
public sealed class Namespace : IKubernetesObject
{
    public string? ApiVersion { get; set; } = "v1";

    public string? Kind { get; set; } = "Namespace";

    public ObjectMeta Metadata { get; set; } = new();

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
