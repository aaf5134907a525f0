using k8s;
using k8s.Models;
using Mesh.Operator.Validation;

namespace Mesh.Operator.Manifests;

/// <summary>A typed resource read from a manifest, with where it came from.</summary>
public sealed record LoadedResource(ResourceRef Ref, IKubernetesObject<V1ObjectMeta> Object, ManifestOrigin Origin);
