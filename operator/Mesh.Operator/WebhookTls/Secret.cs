using System.Text.Json;
using System.Text.Json.Serialization;
using Mesh.Kubernetes.Models;

namespace Mesh.Operator.WebhookTls;

/// <summary>Core v1 Secret: the fields the webhook TLS Secret uses. <c>data</c> values are base64 on the wire, bytes here.</summary>
internal sealed class Secret : IKubernetesObject
{
    public string? ApiVersion { get; set; } = "v1";

    public string? Kind { get; set; } = "Secret";

    public ObjectMeta Metadata { get; set; } = new();

    public string? Type { get; set; }

    public Dictionary<string, byte[]>? Data { get; set; }

    /// <summary>Fields this project does not interpret (immutable, stringData), kept for read-modify-write.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
