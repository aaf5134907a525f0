using Mesh.Operator.Compiler;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>What validators look up beyond the resource itself: services, endpoints and the subsets of each host.</summary>
internal sealed class ValidationContext(
    ServiceRegistry registry,
    IReadOnlyDictionary<string, DestinationRule> destinationRules,
    string rootNamespace,
    SelectedRuleSubsets? selectedSubsets = null)
{
    public ServiceRegistry Registry { get; } = registry;

    public string RootNamespace { get; } = rootNamespace;

    /// <summary>The DestinationRule that is in force for a host, if any.</summary>
    public DestinationRule? RuleFor(string host) => destinationRules.GetValueOrDefault(host);

    /// <summary>The subsets that rules with a workloadSelector define, for the proxies they select.</summary>
    public SelectedRuleSubsets SelectedSubsets { get; } = selectedSubsets ?? SelectedRuleSubsets.None;

    /// <summary>
    /// Checks a host reference. A missing service is an error when the host is spelled as a cluster service
    /// (short name, <c>name.namespace</c>, <c>*.svc[.cluster.local]</c>) and a warning otherwise (a host outside the
    /// mesh, reached directly).
    /// </summary>
    public (string Host, MeshService? Service)? CheckHost(DiagnosticBag bag, DeferredPath path, string? host, string ns, string outsideMeshEffect)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            bag.Error(path.ToString(), "host is required");
            return null;
        }

        if (host.Contains('*', StringComparison.Ordinal))
        {
            bag.Warning(path.ToString(), $"wildcard host '{host}' is not supported; ignored");
            return null;
        }

        var resolved = Registry.Resolve(host, ns);
        if (resolved.Service is null)
        {
            if (HostNames.IsClusterSpelling(host))
            {
                bag.UnresolvedRef(path.ToString(), $"host '{host}' resolves to {resolved.Host}, which is not a Service");
                return null;
            }

            bag.Warning(path.ToString(), $"host '{host}' is not a service in the mesh; {outsideMeshEffect}");
        }

        return resolved;
    }

    /// <summary>
    /// Checks a duration as Istio does for every duration field: a number and unit, at least 1ms, in whole
    /// milliseconds (or whole seconds where Envoy only has seconds, <paramref name="wholeSeconds"/>).
    /// </summary>
    public static void CheckDuration(DiagnosticBag bag, DeferredPath path, string? value, bool wholeSeconds = false)
    {
        if (value is null)
        {
            return;
        }

        if (!Durations.TryParse(value, out var duration))
        {
            bag.Error(path.ToString(), $"invalid duration '{value}': expected a number and unit, e.g. 1.5s, 250ms, 1m30s");
        }
        else if (duration.Seconds == 0 && duration.Nanos < 1_000_000)
        {
            bag.Error(path.ToString(), $"duration '{value}' must be at least 1ms");
        }
        else if (duration.Nanos % (wholeSeconds ? 1_000_000_000 : 1_000_000) != 0)
        {
            bag.Error(path.ToString(), wholeSeconds
                ? $"duration '{value}' must be in whole seconds"
                : $"duration '{value}' must be in whole milliseconds");
        }
    }

    public static void CheckRange(DiagnosticBag bag, DeferredPath path, double? value, double min, double max)
    {
        if (value is { } v && (v < min || v > max || double.IsNaN(v)))
        {
            bag.Error(path.ToString(), $"must be between {min} and {max}, got {v}");
        }
    }

    public static void CheckEnum(DiagnosticBag bag, DeferredPath path, string? value, params string[] allowed)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            bag.Error(path.ToString(), $"'{value}' is not one of {string.Join(", ", allowed)}");
        }
    }
}
