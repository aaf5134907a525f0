using Mesh.Operator.Validation;

namespace Mesh.Operator.Reconcile;

/// <summary>Receives the per-resource results of every compile: the status writer, the problem logger.</summary>
internal interface IReconcileResultSink
{
    /// <summary>Called on the reconcile loop after each publication; must not block for long.</summary>
    void Report(long generation, IReadOnlyList<ResourceResult> results);
}
