using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Mesh.Operator.Resources;

/// <summary>The API group and version of the mesh's custom resources.</summary>
public static class MeshApiGroup
{
    public const string Group = "mesh.io";

    public const string Version = "v1alpha1";

    public const string GroupVersion = Group + "/" + Version;
}

/// <summary>
/// The shape every mesh.io custom resource shares: type, metadata, spec and the status the operator writes; a
/// KubernetesClient object (<see cref="IKubernetesObject{TMetadata}"/>, <see cref="ISpec{T}"/>,
/// <see cref="IStatus{T}"/>), so its informers, cache and custom-object calls take it like any <c>V1*</c> model.
/// </summary>
public abstract class MeshResource<TSpec> : IKubernetesObject<V1ObjectMeta>, ISpec<TSpec>, IStatus<ResourceStatus?>
    where TSpec : new()
{
    public string? ApiVersion { get; set; } = MeshApiGroup.GroupVersion;

    public string? Kind { get; set; }

    public V1ObjectMeta Metadata { get; set; } = new();

    public TSpec Spec { get; set; } = new();

    public ResourceStatus? Status { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary><c>status</c> of a mesh resource: Accepted and ResolvedRefs conditions.</summary>
public sealed class ResourceStatus
{
    public List<V1Condition>? Conditions { get; set; }

    public long? ObservedGeneration { get; set; }
}
