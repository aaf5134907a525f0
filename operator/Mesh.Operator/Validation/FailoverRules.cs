using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// The failover rules <c>localityLbSetting</c> and <c>zoneAwareLbSetting</c> share (Istio's): each entry moves traffic
/// between two different regions named without zone or wildcard, and failing over needs outlier detection to eject
/// anything (Istio warns without it).
/// </summary>
internal static class FailoverRules
{
    public static void Validate(
        DiagnosticBag bag,
        IReadOnlyList<LocalityFailover?> failover,
        IReadOnlyList<string>? failoverPriority,
        OutlierDetectionSpec? outlier,
        string path)
    {
        if ((failover.Count > 0 || failoverPriority is { Count: > 0 }) && outlier is null)
        {
            bag.Warning(path, "failover needs outlierDetection in the same traffic policy: without it an endpoint is never ejected and traffic never fails over");
        }

        for (var i = 0; i < failover.Count; i++)
        {
            var at = $"{path}.failover[{i}]";
            if (failover[i] is not { } entry)
            {
                bag.Error(at, "a failover entry must not be null");
                continue;
            }

            if (entry.From == entry.To)
            {
                bag.Error(at, "from and to must be different regions");
            }

            foreach (var (name, value) in new[] { ("from", entry.From), ("to", entry.To) })
            {
                if (value?.Contains('/', StringComparison.Ordinal) == true)
                {
                    bag.Error($"{at}.{name}", $"'{value}': failover names a region only; zones and subzones fail over by themselves");
                }
                else if (value?.Contains('*', StringComparison.Ordinal) == true)
                {
                    bag.Error($"{at}.{name}", $"'{value}': a failover region cannot contain '*'");
                }
            }
        }
    }
}
