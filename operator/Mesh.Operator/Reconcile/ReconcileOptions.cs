namespace Mesh.Operator.Reconcile;

/// <summary>How changes are folded into reconciles.</summary>
public sealed class ReconcileOptions
{
    /// <summary>A reconcile runs once changes pause this long. Default 100 ms.</summary>
    public TimeSpan DebounceQuiet { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>…or this long after the first unreconciled change, whichever comes first. Default 1 s.</summary>
    public TimeSpan DebounceMax { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The namespace whose MeshPolicies apply to the whole mesh. Default <c>mesh-system</c>.</summary>
    public string RootNamespace { get; set; } = "mesh-system";
}
