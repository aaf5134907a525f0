using k8s;
using k8s.Models;

namespace Mesh.Operator.Validation;

/// <summary>
/// The outcome of compiling one resource: its problems and the status conditions that report them.
/// <c>Accepted</c> is False when the resource was left out (reason Invalid, or Conflicted when an older resource
/// claims all it configures); <c>ResolvedRefs</c> is False when it refers to a host, port or subset that does not exist.
/// </summary>
public sealed record ResourceResult(ResourceRef Resource, IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<V1Condition> Conditions)
{
    public const string Accepted = nameof(Accepted);

    public const string ResolvedRefs = nameof(ResolvedRefs);

    public bool IsAccepted => Conditions.Any(c => c.Type == Accepted && c.Status == "True");

    /// <param name="note">What an accepted resource's Accepted message says before its warnings (a delegate's roots).</param>
    /// <remarks>An unresolved reference that is only a warning (a rule left out, the rest applied) keeps Accepted True and turns ResolvedRefs False.</remarks>
    public static ResourceResult Create(ResourceRef resource, IReadOnlyList<Diagnostic> diagnostics, bool conflicted, long? generation, string? note = null)
    {
        if (diagnostics.Count == 0 && !conflicted)
        {
            // Most resources: nothing to filter.
            return new ResourceResult(resource, diagnostics, [Make(Accepted, true, Accepted, [], generation, note), Make(ResolvedRefs, true, ResolvedRefs, [], generation)]);
        }

        var errors = diagnostics.Where(d => d.IsError).ToList();
        var unresolved = diagnostics.Where(d => d.Category == DiagnosticCategory.UnresolvedRef).ToList();
        var accepted = errors.Count > 0
            ? Make(Accepted, false, errors.TrueForAll(d => d.Category == DiagnosticCategory.UnresolvedRef) ? "UnresolvedRefs" : "Invalid", errors, generation)
            : conflicted
                ? Make(Accepted, false, "Conflicted", diagnostics.Where(d => d.Category == DiagnosticCategory.Conflict).ToList(), generation)
                : Make(Accepted, true, Accepted, diagnostics, generation, note);
        var resolved = unresolved.Count > 0
            ? Make(ResolvedRefs, false, "UnresolvedRefs", unresolved, generation)
            : Make(ResolvedRefs, true, ResolvedRefs, [], generation);
        return new ResourceResult(resource, diagnostics, [accepted, resolved]);
    }

    private static V1Condition Make(string type, bool status, string reason, IReadOnlyList<Diagnostic> diagnostics, long? generation, string? note = null) => new()
    {
        Type = type,
        Status = status ? "True" : "False",
        Reason = reason,
        // Most conditions report nothing: no iterators to join for them on every compile of every resource.
        Message = diagnostics.Count == 0
            ? note ?? ""
            : string.Join("; ", diagnostics.Select(d => (d.Path.Length == 0 ? "" : d.Path + ": ") + d.Message).Prepend(note ?? "").Where(m => m.Length > 0)),
        ObservedGeneration = generation,

        // Stamped by the status writer, which keeps the time of an unchanged condition.
        LastTransitionTime = default,
    };
}
