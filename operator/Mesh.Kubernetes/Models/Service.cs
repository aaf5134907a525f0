using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mesh.Kubernetes.Models;

/// <summary>Kubernetes' core/v1 Service, with the fields the mesh reads; every other field is kept in <c>Extra</c>.</summary>
public sealed class Service : IKubernetesObject
{
    public string? ApiVersion { get; set; } = "v1";

    public string? Kind { get; set; } = "Service";

    public ObjectMeta Metadata { get; set; } = new();

    public ServiceSpec Spec { get; set; } = new();

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class ServiceSpec
{
    public List<ServicePort>? Ports { get; set; }

    /// <summary>Selects the Pods (and, in the mesh, the WorkloadEntries) of the Service's namespace that serve it.</summary>
    public Dictionary<string, string>? Selector { get; set; }

    public string? ClusterIP { get; set; }

    public List<string>? ClusterIPs { get; set; }

    public string? Type { get; set; }

    public string? ExternalName { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class ServicePort
{
    public string? Name { get; set; }

    public string? Protocol { get; set; }

    public string? AppProtocol { get; set; }

    public int Port { get; set; }

    /// <summary>The Pod's port number or container port name; absent means the same as <see cref="Port"/>.</summary>
    public IntOrString? TargetPort { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
