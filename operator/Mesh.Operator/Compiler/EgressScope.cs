using Mesh.Operator.Resources;
using Mesh.Operator.Validation;

namespace Mesh.Operator.Compiler;

/// <summary>
/// Which services a workload's proxy gets config for, by Istio Sidecar <c>egress.hosts</c> semantics: each entry is
/// <c>NAMESPACE/HOST</c>, NAMESPACE being <c>*</c> (any), <c>.</c> (the workload's own) or a name, HOST being
/// <c>*</c>, a host (<c>reviews.default.svc.cluster.local</c>, or the short <c>reviews</c> in that namespace) or a
/// wildcard suffix (<c>*.example.com</c>). Without a scope a proxy gets the whole mesh.
/// </summary>
internal sealed class EgressScope
{
    private readonly (string Namespace, string Host)[] _entries;

    private EgressScope(IEnumerable<string> hosts)
    {
        _entries = [.. hosts.Select(h => h.Split('/', 2)).Where(p => p.Length == 2).Select(p => (p[0], p[1])).Distinct().Order()];
        Key = string.Join(",", _entries.Select(e => $"{e.Namespace}/{e.Host}"));
    }

    /// <summary>Equal for equal scopes: part of the cache key of a proxy's outbound config.</summary>
    public string Key { get; }

    /// <summary>
    /// The scope in force for a workload among the policies that apply to it, as Istio picks a Sidecar: a policy
    /// with a selector in the workload's namespace, else one without in its namespace, else one in the root
    /// namespace; the oldest at the first level that has one. Null: the whole mesh.
    /// </summary>
    public static EgressScope? Resolve(IReadOnlyList<MeshPolicy> applicable, string ns, string rootNamespace)
    {
        static bool Selects(MeshPolicy p) => p.Spec.Selector?.MatchLabels is { Count: > 0 };
        var scoped = applicable.Where(p => p.Spec.Egress?.Hosts is { Count: > 0 }).ToList();
        var winner = scoped.FirstOrDefault(p => p.Metadata.NamespaceProperty == ns && ns != rootNamespace && Selects(p))
            ?? scoped.FirstOrDefault(p => p.Metadata.NamespaceProperty == ns && ns != rootNamespace)
            ?? scoped.FirstOrDefault();
        return winner is null ? null : new EgressScope(winner.Spec.Egress!.Hosts!);
    }

    public bool Includes(MeshService service, string workloadNamespace) =>
        _entries.Any(e => NamespaceMatches(e.Namespace, service.Namespace, workloadNamespace) && HostMatches(e.Host, service));

    /// <summary>Null when <paramref name="entry"/> is a valid <c>NAMESPACE/HOST</c>; otherwise why not.</summary>
    public static string? CheckEntry(string? entry)
    {
        var parts = entry?.Split('/') ?? [];
        if (parts.Length != 2)
        {
            return $"'{entry}' is not NAMESPACE/HOST (for example ./*, istio-system/*, */reviews.default.svc.cluster.local)";
        }

        if (parts[0] is not ("*" or ".") && !DnsNames.IsLabel(parts[0]))
        {
            return $"namespace '{parts[0]}' must be *, . or a namespace name";
        }

        return parts[1] == "*" ? null : DnsNames.CheckWildcardDomain(parts[1]);
    }

    private static bool NamespaceMatches(string pattern, string serviceNamespace, string workloadNamespace) =>
        pattern == "*" || string.Equals(pattern == "." ? workloadNamespace : pattern, serviceNamespace, StringComparison.Ordinal);

    private static bool HostMatches(string pattern, MeshService service)
    {
        if (pattern == "*")
        {
            return true;
        }

        if (pattern.StartsWith('*'))
        {
            return service.Fqdn.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase);
        }

        return string.Equals(pattern, service.Fqdn, StringComparison.OrdinalIgnoreCase)
            || string.Equals(pattern, service.Name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(pattern, $"{service.Name}.{service.Namespace}", StringComparison.OrdinalIgnoreCase);
    }
}
