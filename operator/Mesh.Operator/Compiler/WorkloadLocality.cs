namespace Mesh.Operator.Compiler;

/// <summary>
/// Where a workload runs, as Istio writes it: "region/zone/subzone". Istio takes a pod's region and zone from its
/// node's labels; the operator does not read Nodes, so it takes them from the pod's own labels (set them on the pod
/// template, or let a mutating policy copy them), and a WorkloadEntry's <c>locality</c> field wins over its labels.
/// </summary>
internal static class WorkloadLocality
{
    public const string RegionLabel = "topology.kubernetes.io/region";
    public const string ZoneLabel = "topology.kubernetes.io/zone";
    public const string SubzoneLabel = "topology.istio.io/subzone";

    /// <summary>"" when the workload has no region label.</summary>
    public static string FromLabels(IReadOnlyDictionary<string, string> labels)
    {
        if (!labels.TryGetValue(RegionLabel, out var region) || region.Length == 0)
        {
            return "";
        }

        var zone = labels.GetValueOrDefault(ZoneLabel) ?? "";
        var subzone = labels.GetValueOrDefault(SubzoneLabel) ?? "";
        return subzone.Length > 0 ? $"{region}/{zone}/{subzone}" : zone.Length > 0 ? $"{region}/{zone}" : region;
    }
}
