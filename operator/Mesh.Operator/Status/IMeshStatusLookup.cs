using k8s;
using k8s.Models;
using Mesh.Operator.Validation;

namespace Mesh.Operator.StatusWriting;

/// <summary>Reads the status a mesh resource has on the API server now, as far as the local cache knows.</summary>
internal interface IMeshStatusLookup
{
    /// <summary>False when the resource is not (or no longer) in the cache.</summary>
    bool TryGetStatus(ResourceRef resource, out CachedStatus status);
}

/// <summary>A cached resource's conditions and the resourceVersion they were read at.</summary>
internal readonly record struct CachedStatus(IReadOnlyList<V1Condition> Conditions, string? ResourceVersion);
