namespace Mesh.Operator.Validation;

/// <summary>
/// Collects the diagnostics of one resource while a validator walks it, and the checks of its references to the rest
/// of the mesh (<see cref="Defer"/>), which a <see cref="SpecCheck"/> reruns on every compile.
/// </summary>
internal sealed class DiagnosticBag(ResourceRef resource)
{
    // Allocated on the first problem: most resources have none.
    private List<Diagnostic>? _items;
    private List<Action<DiagnosticBag, ValidationContext>>? _references;

    public ResourceRef Resource { get; } = resource;

    public IReadOnlyList<Diagnostic> Items => (IReadOnlyList<Diagnostic>?)_items ?? [];

    public bool HasErrors => _items?.Exists(d => d.IsError) == true;

    /// <summary>The reference checks deferred while walking the resource, in the order they were found.</summary>
    public IReadOnlyList<Action<DiagnosticBag, ValidationContext>> References => (IReadOnlyList<Action<DiagnosticBag, ValidationContext>>?)_references ?? [];

    public void Error(string path, string message) =>
        (_items ??= []).Add(new Diagnostic(Resource, path, DiagnosticSeverity.Error, message));

    public void UnresolvedRef(string path, string message) =>
        (_items ??= []).Add(new Diagnostic(Resource, path, DiagnosticSeverity.Error, message, DiagnosticCategory.UnresolvedRef));

    public void Warning(string path, string message) =>
        (_items ??= []).Add(new Diagnostic(Resource, path, DiagnosticSeverity.Warning, message));

    public void AddRange(IReadOnlyList<Diagnostic> diagnostics)
    {
        if (diagnostics.Count > 0)
        {
            (_items ??= []).AddRange(diagnostics);
        }
    }

    /// <summary>Defers a check that looks at the rest of the mesh (a host, a subset, a selected workload).</summary>
    public void Defer(Action<DiagnosticBag, ValidationContext> check) => (_references ??= []).Add(check);
}
