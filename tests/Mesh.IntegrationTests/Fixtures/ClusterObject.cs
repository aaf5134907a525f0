using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Mesh.Kubernetes.Client;

namespace Mesh.IntegrationTests.Fixtures;

/// <summary>Any Kubernetes object, its fields other than metadata kept as JSON: the suite applies and reads kinds the client has no model for.</summary>
internal sealed class ClusterObject : IKubernetesObject<V1ObjectMeta>
{
    public static ResourceType CustomResourceDefinition { get; } =
        new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", Namespaced: false);

    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>The <c>status.conditions</c> entry of <paramref name="type"/> has status True.</summary>
    public bool HasCondition(string type) =>
        Extra is not null
        && Extra.TryGetValue("status", out var status)
        && status.ValueKind == JsonValueKind.Object
        && status.TryGetProperty("conditions", out var conditions)
        && conditions.ValueKind == JsonValueKind.Array
        && conditions.EnumerateArray().Any(c =>
            c.TryGetProperty("type", out var t) && t.GetString() == type
            && c.TryGetProperty("status", out var s) && s.GetString() == "True");
}
