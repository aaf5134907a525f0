using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// Istio's rules for <c>loadBalancer.localityLbSetting</c>: distribute or failover, not both; failover between two
/// different regions named without zone or wildcard; distribute weights of 1-100 summing to 100 per source; a
/// locality wildcard only as the last character. Failover without outlier detection never fails over (Istio warns).
/// </summary>
internal static class LocalityLbValidator
{
    public static void Validate(DiagnosticBag bag, LocalityLbSettings locality, OutlierDetectionSpec? outlier, string path)
    {
        var distribute = locality.Distribute ?? [];
        var failover = locality.Failover ?? [];
        if (distribute.Count > 0 && failover.Count > 0)
        {
            bag.Error(path, "distribute and failover cannot both be set");
            return;
        }

        FailoverRules.Validate(bag, failover, locality.FailoverPriority, outlier, path);

        for (var i = 0; i < distribute.Count; i++)
        {
            var at = $"{path}.distribute[{i}]";
            if (distribute[i] is not { } entry)
            {
                bag.Error(at, "a distribute entry must not be null");
                continue;
            }

            CheckLocality(bag, at + ".from", entry.From);
            long total = 0;
            foreach (var (to, weight) in entry.To ?? [])
            {
                CheckLocality(bag, $"{at}.to[{to}]", to);
                if (weight is < 1 or > 100)
                {
                    bag.Error($"{at}.to[{to}]", $"locality weight must be in 1-100, got {weight}");
                }

                total += weight;
            }

            if (total != 100)
            {
                bag.Error(at + ".to", $"locality weights must sum to 100, got {total}");
            }
        }

        for (var i = 0; i < (locality.FailoverPriority?.Count ?? 0); i++)
        {
            if (string.IsNullOrEmpty(locality.FailoverPriority![i]))
            {
                bag.Error($"{path}.failoverPriority[{i}]", "a label name is required");
            }
        }
    }

    private static void CheckLocality(DiagnosticBag bag, string path, string? locality)
    {
        if (string.IsNullOrEmpty(locality))
        {
            bag.Error(path, "a locality is required");
            return;
        }

        var star = locality.IndexOf('*', StringComparison.Ordinal);
        if (star >= 0 && star != locality.Length - 1)
        {
            bag.Error(path, $"'{locality}': the wildcard '*' may appear once, at the end");
        }
        else if (locality.Split('/').Length > 3)
        {
            bag.Error(path, $"'{locality}': a locality is region/zone/subzone");
        }
    }
}
