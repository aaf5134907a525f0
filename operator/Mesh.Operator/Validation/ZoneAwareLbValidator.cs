using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// Istio's rules for <c>loadBalancer.zoneAwareLbSetting</c>: not with localityLbSetting; failover between two
/// different regions, named without zone or wildcard; failoverPriority without the topology labels (region, zone and
/// subzone are ordered by themselves); failover without outlier detection never fails over (Istio warns).
/// </summary>
internal static class ZoneAwareLbValidator
{
    private static readonly string[] TopologyLabels = ["topology.kubernetes.io/region", "topology.kubernetes.io/zone", "topology.istio.io/subzone"];

    public static void Validate(DiagnosticBag bag, ZoneAwareLbSettings zoneAware, bool hasLocalityLbSetting, OutlierDetectionSpec? outlier, string path)
    {
        if (hasLocalityLbSetting)
        {
            bag.Error(path, "only one of localityLbSetting and zoneAwareLbSetting can be set");
        }

        for (var i = 0; i < (zoneAware.FailoverPriority?.Count ?? 0); i++)
        {
            if (TopologyLabels.Contains(zoneAware.FailoverPriority![i], StringComparer.Ordinal))
            {
                bag.Error($"{path}.failoverPriority[{i}]", $"'{zoneAware.FailoverPriority[i]}': zone-aware balancing orders region, zone and subzone by itself; failoverPriority must not name them");
            }
        }

        FailoverRules.Validate(bag, zoneAware.Failover ?? [], zoneAware.FailoverPriority, outlier, path);

        ValidationContext.CheckRange(bag, new(path, ".minClusterSize"), zoneAware.MinClusterSize, 1, ulong.MaxValue);
        if (zoneAware.MinClusterSize is > 0)
        {
            bag.Warning(path + ".minClusterSize", "not applied: the proxy orders endpoints by zone whatever the size of the local region");
        }
    }
}
