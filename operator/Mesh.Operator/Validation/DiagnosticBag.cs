namespace Mesh.Operator.Validation;

/// <summary>Collects the diagnostics of one resource while a validator walks it.</summary>
internal sealed class DiagnosticBag(ResourceRef resource)
{
    private readonly List<Diagnostic> _items = [];

    public ResourceRef Resource { get; } = resource;

    public IReadOnlyList<Diagnostic> Items => _items;

    public bool HasErrors => _items.Exists(d => d.IsError);

    public void Error(string path, string message) =>
        _items.Add(new Diagnostic(Resource, path, DiagnosticSeverity.Error, message));

    public void UnresolvedRef(string path, string message) =>
        _items.Add(new Diagnostic(Resource, path, DiagnosticSeverity.Error, message, DiagnosticCategory.UnresolvedRef));

    public void Warning(string path, string message) =>
        _items.Add(new Diagnostic(Resource, path, DiagnosticSeverity.Warning, message));
}
