using k8s.Models;
namespace Mesh.Operator.Resources;

/// <summary>A workload outside Kubernetes (a VM, or a local process in local mode), selected by Services like a Pod.</summary>
[KubernetesEntity(Group = MeshApiGroup.Group, ApiVersion = MeshApiGroup.Version, Kind = nameof(WorkloadEntry), PluralName = "workloadentries")]
public sealed class WorkloadEntry : MeshResource<WorkloadEntrySpec>
{
    public WorkloadEntry()
    {
        Kind = nameof(WorkloadEntry);
    }
}

public sealed class WorkloadEntrySpec
{
    public string? Address { get; set; }

    /// <summary>Service port name → the port this workload listens on for it.</summary>
    public Dictionary<string, int>? Ports { get; set; }

    public Dictionary<string, string>? Labels { get; set; }

    public string? ServiceAccount { get; set; }

    public string? Network { get; set; }

    public string? Locality { get; set; }

    public int? Weight { get; set; }
}
