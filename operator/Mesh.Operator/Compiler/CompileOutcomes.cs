using System.Runtime.InteropServices;
using k8s;
using k8s.Models;
using Mesh.Operator.Validation;

namespace Mesh.Operator.Compiler;

/// <summary>
/// What one compile reports per resource: diagnostics, whether an older resource took all it claims, and a note for
/// its status. A phase of the compile can keep its reports (<see cref="StartLog"/>) so that a later compile taking
/// over that phase's work reports the same (<see cref="Replay"/>).
/// </summary>
internal sealed class CompileOutcomes
{
    // Most resources have nothing to report: they get no list of their own. The result is made at the end.
    private readonly Dictionary<IKubernetesObject<V1ObjectMeta>, Outcome> _outcomes = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<IKubernetesObject<V1ObjectMeta>> _failed = new(ReferenceEqualityComparer.Instance);
    private List<OutcomeReport>? _log;

    /// <summary>How many resources a build threw for (see <see cref="Compiles{T}"/>).</summary>
    public int FailedCount => _failed.Count;

    public void Record(IKubernetesObject<V1ObjectMeta> obj, IReadOnlyCollection<Diagnostic> diagnostics, bool conflicted = false)
    {
        _log?.Add(new OutcomeReport(obj, diagnostics, conflicted, null, false));
        _outcomes.TryGetValue(obj, out var outcome);
        if (diagnostics.Count > 0)
        {
            (outcome.Diagnostics ??= []).AddRange(diagnostics);
        }

        _outcomes[obj] = outcome with { Conflicted = outcome.Conflicted || conflicted };
    }

    public void Note(IKubernetesObject<V1ObjectMeta> obj, string note)
    {
        _log?.Add(new OutcomeReport(obj, [], false, note, false));
        _outcomes.TryGetValue(obj, out var outcome);
        _outcomes[obj] = outcome with { Note = outcome.Note is null ? note : outcome.Note + "; " + note };
    }

    /// <summary>
    /// Validates <paramref name="obj"/> and records what was found (nothing at all for a clean one unless
    /// <paramref name="recordClean"/>). A validator that throws reports the resource and leaves only that one out.
    /// </summary>
    public bool Valid<T>(T obj, Func<T, DiagnosticBag> validate, bool recordClean = true)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        try
        {
            var bag = validate(obj);
            if (recordClean || bag.Items.Count > 0)
            {
                Record(obj, bag.Items);
            }

            return !bag.HasErrors;
        }
        catch (Exception ex) when (!CompileFailure.IsFatal(ex))
        {
            Record(obj, [CompileFailure.Of(obj, "validated", ex)]);
            return false;
        }
    }

    /// <summary>Runs a build of <paramref name="obj"/>; one that throws reports it, and the resource is not built again.</summary>
    public bool Compiles<T>(T obj, Action<T> compile)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        if (_failed.Contains(obj))
        {
            return false;
        }

        try
        {
            compile(obj);
            return true;
        }
        catch (Exception ex) when (!CompileFailure.IsFatal(ex))
        {
            _failed.Add(obj);
            _log?.Add(new OutcomeReport(obj, [], false, null, true));
            Record(obj, [CompileFailure.Of(obj, "compiled", ex)]);
            return false;
        }
    }

    /// <summary>Keeps every report from now on, until <see cref="EndLog"/>.</summary>
    public void StartLog() => _log = [];

    /// <summary>The reports made since <see cref="StartLog"/>, in order.</summary>
    public OutcomeReport[] EndLog()
    {
        OutcomeReport[] log = [.. _log ?? []];
        _log = null;
        return log;
    }

    /// <summary>Reports again, in the same order, what another compile's phase reported.</summary>
    public void Replay(OutcomeReport[] log)
    {
        foreach (var report in log)
        {
            if (report.Failed)
            {
                _failed.Add(report.Resource);
                _log?.Add(report);
            }
            else if (report.Note is { } note)
            {
                Note(report.Resource, note);
            }
            else
            {
                Record(report.Resource, report.Diagnostics, report.Conflicted);
            }
        }
    }

    /// <summary>
    /// One result per resource reported on, sorted; a resource <paramref name="previous"/> reported the same on (the
    /// same object, diagnostics, conflict and note) keeps its result object.
    /// </summary>
    public List<ResourceResult> Results(CompileOutcomes? previous)
    {
        var results = new (ResourceResult Result, int Index)[_outcomes.Count];
        var next = 0;
        foreach (var obj in _outcomes.Keys)
        {
            ref var outcome = ref CollectionsMarshal.GetValueRefOrNullRef(_outcomes, obj);
            outcome.Result = previous?.ResultOf(obj, outcome) ?? ResourceResult.Create(
                ResourceRef.Of(obj), (IReadOnlyList<Diagnostic>?)outcome.Diagnostics ?? [], outcome.Conflicted, obj.Metadata.Generation, outcome.Note);
            results[next] = (outcome.Result, next);
            next++;
        }

        // Stable, as the order of resources with one name must not depend on the sort.
        Array.Sort(results, static (a, b) => a.Result.Resource.CompareTo(b.Result.Resource) is var c and not 0 ? c : a.Index.CompareTo(b.Index));
        var sorted = new List<ResourceResult>(results.Length);
        foreach (var (result, _) in results)
        {
            sorted.Add(result);
        }

        return sorted;
    }

    private ResourceResult? ResultOf(IKubernetesObject<V1ObjectMeta> obj, Outcome outcome)
    {
        if (!_outcomes.TryGetValue(obj, out var before) || before.Result is not { } result || before.Conflicted != outcome.Conflicted ||
            before.Note != outcome.Note || result.Conditions[0].ObservedGeneration != obj.Metadata.Generation)
        {
            return null;
        }

        var (a, b) = (before.Diagnostics, outcome.Diagnostics);
        if ((a?.Count ?? 0) != (b?.Count ?? 0))
        {
            return null;
        }

        for (var i = 0; i < (a?.Count ?? 0); i++)
        {
            if (!a![i].Equals(b![i]))
            {
                return null;
            }
        }

        return result;
    }

    private record struct Outcome(List<Diagnostic>? Diagnostics, bool Conflicted, string? Note, ResourceResult? Result);
}

/// <summary>One report of a compile phase: diagnostics (possibly none), a note, or a build that threw.</summary>
internal sealed record OutcomeReport(IKubernetesObject<V1ObjectMeta> Resource, IReadOnlyCollection<Diagnostic> Diagnostics, bool Conflicted, string? Note, bool Failed);
