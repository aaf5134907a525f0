using System.Text.Json;
using System.Text.Json.Serialization;
using Mesh.Kubernetes.Models;

namespace Mesh.Operator.Resources;

/// <summary>The API group and version of the mesh's custom resources.</summary>
public static class MeshApiGroup
{
    public const string Group = "mesh.io";

    public const string Version = "v1alpha1";

    public const string GroupVersion = Group + "/" + Version;
}

/// <summary>The shape every mesh.io custom resource shares: type, metadata, spec and the status the operator writes.</summary>
public abstract class MeshResource<TSpec> : IKubernetesObject
    where TSpec : new()
{
    public string? ApiVersion { get; set; } = MeshApiGroup.GroupVersion;

    public string? Kind { get; set; }

    public ObjectMeta Metadata { get; set; } = new();

    public TSpec Spec { get; set; } = new();

    public ResourceStatus? Status { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary><c>status</c> of a mesh resource: Accepted and ResolvedRefs conditions.</summary>
public sealed class ResourceStatus
{
    public List<Condition>? Conditions { get; set; }

    public long? ObservedGeneration { get; set; }
}
