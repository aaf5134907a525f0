using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;

namespace Mesh.Operator.Validation;

/// <summary>
/// What validating one resource found from the resource alone, and the checks of its references that depend on the
/// rest of the mesh. The first part is computed once per resource object and version (<see cref="For{T}"/>); only
/// the references are checked again on each compile, since a Service or subset they name can come or go.
/// </summary>
internal sealed class SpecCheck
{
    // Keyed by the object: sources hand the compiler the same object for as long as a resource is unchanged (the
    // directory source per unchanged file, the informers per resourceVersion), and snapshots are never edited in place.
    private static readonly ConditionalWeakTable<IKubernetesObject<V1ObjectMeta>, Stamped> Cache = new();

    private readonly IReadOnlyList<Diagnostic> _problems;
    private readonly IReadOnlyList<Action<DiagnosticBag, ValidationContext>> _references;

    private SpecCheck(DiagnosticBag bag)
    {
        Resource = bag.Resource;
        _problems = [.. bag.Items];
        _references = bag.References;
    }

    public ResourceRef Resource { get; }

    /// <summary>The cached check of <paramref name="resource"/>, made with <paramref name="validate"/> when there is none for this version.</summary>
    public static SpecCheck For<T>(T resource, Func<T, DiagnosticBag> validate)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var metadata = resource.Metadata;
        if (Cache.TryGetValue(resource, out var stamped) &&
            stamped.Generation == metadata.Generation && string.Equals(stamped.ResourceVersion, metadata.ResourceVersion, StringComparison.Ordinal))
        {
            return stamped.Check;
        }

        var check = new SpecCheck(validate(resource));
        Cache.AddOrUpdate(resource, new Stamped(metadata.Generation, metadata.ResourceVersion, check));
        return check;
    }

    /// <summary>The resource's diagnostics against this compile's mesh.</summary>
    public DiagnosticBag Run(ValidationContext context)
    {
        var bag = new DiagnosticBag(Resource);
        bag.AddRange(_problems);
        foreach (var reference in _references)
        {
            reference(bag, context);
        }

        return bag;
    }

    private sealed record Stamped(long? Generation, string? ResourceVersion, SpecCheck Check);
}
