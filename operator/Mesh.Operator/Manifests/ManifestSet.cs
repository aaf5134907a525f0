using Mesh.Operator.Compiler;
using Mesh.Operator.Validation;

namespace Mesh.Operator.Manifests;

/// <summary>The resources read from a set of manifest files, and the problems found while reading them.</summary>
public sealed class ManifestSet(IReadOnlyList<LoadedResource> resources, IReadOnlyList<ManifestProblem> problems)
{
    public IReadOnlyList<LoadedResource> Resources { get; } = resources;

    /// <summary>Syntax and shape problems: a document that could not be read into its model.</summary>
    public IReadOnlyList<ManifestProblem> Problems { get; } = problems;

    public MeshSnapshot ToSnapshot() => MeshSnapshot.From(Resources.Select(r => r.Object));

    public ManifestOrigin? OriginOf(ResourceRef resource) =>
        Resources.FirstOrDefault(r => r.Ref == resource)?.Origin;
}

/// <summary>A reading problem, located at a file and line, and at a resource and field when known.</summary>
public sealed record ManifestProblem(string File, int Line, Diagnostic? Diagnostic, string Message)
{
    public bool IsError => Diagnostic?.IsError ?? true;
}
