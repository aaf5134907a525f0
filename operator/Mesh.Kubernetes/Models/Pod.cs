using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mesh.Kubernetes.Models;

/// <summary>Kubernetes' core/v1 Pod, with the fields the mesh reads; every other field is kept in <c>Extra</c>.</summary>
public sealed class Pod : IKubernetesObject
{
    public string? ApiVersion { get; set; } = "v1";

    public string? Kind { get; set; } = "Pod";

    public ObjectMeta Metadata { get; set; } = new();

    public PodSpec Spec { get; set; } = new();

    public PodStatus? Status { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class PodSpec
{
    public List<PodContainer>? InitContainers { get; set; }

    public List<PodContainer>? Containers { get; set; }

    public string? ServiceAccountName { get; set; }

    public bool? HostNetwork { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class PodContainer
{
    public string Name { get; set; } = "";

    public string? Image { get; set; }

    public List<PodContainerPort>? Ports { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class PodContainerPort
{
    public string? Name { get; set; }

    public int ContainerPort { get; set; }

    public string? Protocol { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class PodStatus
{
    public string? Phase { get; set; }

    public string? PodIP { get; set; }

    public List<PodIP>? PodIPs { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class PodIP
{
    public string? Ip { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
