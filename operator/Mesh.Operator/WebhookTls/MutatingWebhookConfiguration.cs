using System.Text.Json;
using System.Text.Json.Serialization;
using Mesh.Kubernetes.Models;

namespace Mesh.Operator.WebhookTls;

/// <summary><c>admissionregistration.k8s.io/v1</c> MutatingWebhookConfiguration, read for its webhooks' caBundles only.</summary>
internal sealed class MutatingWebhookConfiguration : IKubernetesObject
{
    public string? ApiVersion { get; set; } = "admissionregistration.k8s.io/v1";

    public string? Kind { get; set; } = "MutatingWebhookConfiguration";

    public ObjectMeta Metadata { get; set; } = new();

    public List<MutatingWebhook>? Webhooks { get; set; }
}

/// <summary>One webhook of a <see cref="MutatingWebhookConfiguration"/>.</summary>
internal sealed class MutatingWebhook
{
    public string? Name { get; set; }

    public WebhookClientConfig? ClientConfig { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>How the API server reaches a webhook; <see cref="CaBundle"/> is the PEM it trusts (base64 on the wire).</summary>
internal sealed class WebhookClientConfig
{
    public byte[]? CaBundle { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
