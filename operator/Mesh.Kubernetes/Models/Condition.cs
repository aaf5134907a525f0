namespace Mesh.Kubernetes.Models;

/// <summary>Kubernetes' <c>metav1.Condition</c>, as written into <c>status.conditions</c>.</summary>
public sealed class Condition
{
    public string Type { get; set; } = "";

    /// <summary>"True", "False" or "Unknown".</summary>
    public string Status { get; set; } = "Unknown";

    public long? ObservedGeneration { get; set; }

    public DateTimeOffset? LastTransitionTime { get; set; }

    public string Reason { get; set; } = "";

    public string Message { get; set; } = "";
}
