using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mesh.Kubernetes.Models;

/// <summary>
/// Kubernetes' discovery.k8s.io/v1 EndpointSlice, with the fields the mesh reads; every other field is kept in
/// <c>Extra</c>. A slice belongs to the Service named by its <c>kubernetes.io/service-name</c> label.
/// </summary>
public sealed class EndpointSlice : IKubernetesObject
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    public string? ApiVersion { get; set; } = "discovery.k8s.io/v1";

    public string? Kind { get; set; } = "EndpointSlice";

    public ObjectMeta Metadata { get; set; } = new();

    public string? AddressType { get; set; }

    public List<EndpointSliceEndpoint>? Endpoints { get; set; }

    public List<EndpointSlicePort>? Ports { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class EndpointSliceEndpoint
{
    public List<string>? Addresses { get; set; }

    public EndpointSliceConditions? Conditions { get; set; }

    public string? Hostname { get; set; }

    public EndpointSliceTargetRef? TargetRef { get; set; }

    public string? NodeName { get; set; }

    public string? Zone { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>A nil <c>ready</c> means ready, as the EndpointSlice API defines it.</summary>
public sealed class EndpointSliceConditions
{
    public bool? Ready { get; set; }

    public bool? Serving { get; set; }

    public bool? Terminating { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class EndpointSliceTargetRef
{
    public string? Kind { get; set; }

    public string? Namespace { get; set; }

    public string? Name { get; set; }

    public string? Uid { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class EndpointSlicePort
{
    public string? Name { get; set; }

    public string? Protocol { get; set; }

    public int? Port { get; set; }

    public string? AppProtocol { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
