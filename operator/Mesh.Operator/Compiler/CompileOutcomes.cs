using System.Runtime.InteropServices;
using k8s;
using k8s.Models;
using Mesh.Operator.Validation;

namespace Mesh.Operator.Compiler;

/// <summary>
/// What one compile reports per resource: diagnostics, whether an older resource took all it claims, and a note for
/// its status. A phase of the compile can keep what it reported (<see cref="StartPhase"/>) so that a later compile
/// taking over that phase's work reports the same (<see cref="Replay"/>).
/// </summary>
internal sealed class CompileOutcomes
{
    // Most resources have nothing to report: they get no list of their own. The result is made at the end.
    private readonly Dictionary<IKubernetesObject<V1ObjectMeta>, Outcome> _outcomes = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<IKubernetesObject<V1ObjectMeta>> _failed = new(ReferenceEqualityComparer.Instance);

    // The resources first reported on, and those whose build threw, since StartPhase.
    private List<IKubernetesObject<V1ObjectMeta>>? _phaseResources;
    private List<IKubernetesObject<V1ObjectMeta>>? _phaseFailed;

    /// <summary>How many resources a build threw for (see <see cref="Compiles{T}"/>).</summary>
    public int FailedCount => _failed.Count;

    public void Record(IKubernetesObject<V1ObjectMeta> obj, IReadOnlyCollection<Diagnostic> diagnostics, bool conflicted = false)
    {
        if (!_outcomes.TryGetValue(obj, out var outcome))
        {
            _phaseResources?.Add(obj);
        }

        if (diagnostics.Count > 0)
        {
            (outcome.Diagnostics ??= []).AddRange(diagnostics);
        }

        _outcomes[obj] = outcome with { Conflicted = outcome.Conflicted || conflicted };
    }

    public void Note(IKubernetesObject<V1ObjectMeta> obj, string note)
    {
        if (!_outcomes.TryGetValue(obj, out var outcome))
        {
            _phaseResources?.Add(obj);
        }

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
            _phaseFailed?.Add(obj);
            Record(obj, [CompileFailure.Of(obj, "compiled", ex)]);
            return false;
        }
    }

    /// <summary>
    /// Keeps what is reported from now on, until <see cref="EndPhase"/>, on resources no earlier phase reported on
    /// (their outcomes are kept whole); <paramref name="resources"/> is how many there may be.
    /// </summary>
    public void StartPhase(int resources) => (_phaseResources, _phaseFailed) = (new(resources), []);

    /// <summary>What was reported since <see cref="StartPhase"/>.</summary>
    public PhaseReport EndPhase()
    {
        // Most resources are reported clean: only the others' outcomes are kept. Later phases only append to a
        // diagnostics list, so the phase's diagnostics are the list's first Count, and the list need not be copied.
        Dictionary<IKubernetesObject<V1ObjectMeta>, PhaseOutcome>? reported = null;
        foreach (var obj in _phaseResources ?? [])
        {
            var outcome = _outcomes[obj];
            if (outcome.Diagnostics is not null || outcome.Conflicted || outcome.Note is not null)
            {
                (reported ??= new(ReferenceEqualityComparer.Instance))[obj] = new PhaseOutcome(outcome.Diagnostics, outcome.Diagnostics?.Count ?? 0, outcome.Conflicted, outcome.Note);
            }
        }

        var report = new PhaseReport(_phaseResources ?? [], reported, _phaseFailed ?? []);
        (_phaseResources, _phaseFailed) = (null, null);
        return report;
    }

    /// <summary>Reports again, in the same order, what another compile's phase reported.</summary>
    public void Replay(PhaseReport report)
    {
        foreach (var obj in report.Resources)
        {
            var outcome = report.Outcomes?.GetValueOrDefault(obj);
            Record(obj, outcome is { Count: > 0 } ? outcome.Diagnostics!.GetRange(0, outcome.Count) : [], outcome?.Conflicted ?? false);
            if (outcome?.Note is { } note)
            {
                Note(obj, note);
            }
        }

        foreach (var obj in report.Failed)
        {
            _failed.Add(obj);
            _phaseFailed?.Add(obj);
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

/// <summary>
/// What one phase of a compile reported: the resources in the order first reported on, the outcomes of those not
/// reported clean, and those whose build threw. Never changed once made.
/// </summary>
internal sealed record PhaseReport(
    IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Resources,
    IReadOnlyDictionary<IKubernetesObject<V1ObjectMeta>, PhaseOutcome>? Outcomes,
    IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Failed);

/// <summary>What a phase reported on one resource: the first <paramref name="Count"/> of <paramref name="Diagnostics"/>, a conflict, a note.</summary>
internal sealed record PhaseOutcome(List<Diagnostic>? Diagnostics, int Count, bool Conflicted, string? Note);
