using k8s.Models;
namespace Mesh.Operator.Resources;

/// <summary>Istio's DestinationRule: traffic policy and named subsets for one host.</summary>
[KubernetesEntity(Group = MeshApiGroup.Group, ApiVersion = MeshApiGroup.Version, Kind = nameof(DestinationRule), PluralName = "destinationrules")]
public sealed class DestinationRule : MeshResource<DestinationRuleSpec>
{
    public DestinationRule()
    {
        Kind = nameof(DestinationRule);
    }
}

public sealed class DestinationRuleSpec
{
    public string? Host { get; set; }

    public TrafficPolicySpec? TrafficPolicy { get; set; }

    public List<SubsetSpec>? Subsets { get; set; }

    public List<string>? ExportTo { get; set; }

    /// <summary>
    /// Istio's rule: when set, the rule applies only to the sidecars of matching workloads in its own namespace, and
    /// there it replaces (is not merged with) the rule without a selector for the same host.
    /// </summary>
    public WorkloadSelector? WorkloadSelector { get; set; }
}

public sealed class SubsetSpec
{
    public string? Name { get; set; }

    public Dictionary<string, string>? Labels { get; set; }

    /// <summary>Overrides the rule's top-level policy field by field.</summary>
    public TrafficPolicySpec? TrafficPolicy { get; set; }
}
