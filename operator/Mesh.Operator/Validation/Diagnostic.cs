namespace Mesh.Operator.Validation;

public enum DiagnosticSeverity
{
    Error,
    Warning,
}

/// <summary>Which status condition a problem turns false: Accepted for invalid specs, ResolvedRefs for dangling references.</summary>
public enum DiagnosticCategory
{
    Invalid,
    UnresolvedRef,
    Conflict,
}

/// <summary>One problem found in one resource, located by its field path (e.g. <c>spec.http[0].route[1].weight</c>).</summary>
public sealed record Diagnostic(
    ResourceRef Resource,
    string Path,
    DiagnosticSeverity Severity,
    string Message,
    DiagnosticCategory Category = DiagnosticCategory.Invalid)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    public override string ToString() =>
        $"{Resource}: {(Path.Length == 0 ? "" : Path + ": ")}{(IsError ? "" : "warning: ")}{Message}";
}
