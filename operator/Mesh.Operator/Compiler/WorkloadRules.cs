using Mesh.Api.V1;

namespace Mesh.Operator.Compiler;

/// <summary>
/// The clusters of DestinationRules with a workloadSelector, compiled once per rule and host. Istio's rule: a proxy
/// whose namespace is the rule's and whose labels the selector matches gets these clusters for the host instead of
/// those of the rule without a selector (no merge); of several such rules for one host, the oldest applies.
/// </summary>
internal sealed class WorkloadRules
{
    public static readonly WorkloadRules None = new([]);

    private readonly IReadOnlyList<WorkloadRuleEntry> _entries;

    public WorkloadRules(IReadOnlyList<WorkloadRuleEntry> entries)
    {
        _entries = entries;
    }

    public WorkloadRuleEntry this[int index] => _entries[index];

    /// <summary>
    /// A cluster without endpoints for each subset these rules define, for the proxies no defining rule selects. Istio
    /// accepts a route to such a subset, and those sidecars answer it 503 (their Envoy has no such cluster); this proxy
    /// would refuse a config naming a cluster it lacks, so they get one that answers 503 instead. A selected proxy's
    /// own cluster of that name replaces it. Where the shared rule defines the subset too, its cluster wins by name.
    /// </summary>
    public IEnumerable<Cluster> SubsetStandIns() =>
        _entries.SelectMany(e => e.Clusters).Where(c => c.Subset.Length > 0).Select(WithoutEndpoints);

    /// <summary>A cluster of <paramref name="like"/>'s name and service that has no endpoints: requests to it get 503.</summary>
    public static Cluster WithoutEndpoints(Cluster like) => new()
    {
        Name = like.Name,
        ServiceHost = like.ServiceHost,
        Port = like.Port,
        Subset = like.Subset,
        Protocol = like.Protocol,
        LoadBalancer = new LoadBalancer(),
    };

    /// <summary>Whether <see cref="Matching"/> gives every proxy the same indexes as <paramref name="other"/>'s (what
    /// the entries' clusters are is not compared).</summary>
    public bool SameAs(WorkloadRules other)
    {
        if (_entries.Count != other._entries.Count)
        {
            return false;
        }

        for (var i = 0; i < _entries.Count; i++)
        {
            var (a, b) = (_entries[i], other._entries[i]);
            if (a.Namespace != b.Namespace || a.Host != b.Host || !LabelSelector.Same(a.Selector, b.Selector))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The entries (indexes, ascending) that apply to a proxy: for each host the oldest that selects it.</summary>
    public int[] Matching(string ns, IReadOnlyDictionary<string, string> labels)
    {
        if (_entries.Count == 0)
        {
            return [];
        }

        List<int>? matched = null;
        HashSet<string>? hosts = null;
        for (var i = 0; i < _entries.Count; i++)
        {
            var entry = _entries[i];
            if (entry.Namespace == ns && LabelSelector.Matches(entry.Selector, labels) && (hosts ??= new(StringComparer.Ordinal)).Add(entry.Host))
            {
                (matched ??= []).Add(i);
            }
        }

        return matched is null ? [] : [.. matched];
    }
}

/// <summary>One rule's clusters for one host; <see cref="Rule"/> is "NAMESPACE/NAME" of the DestinationRule.</summary>
internal sealed record WorkloadRuleEntry(string Rule, string Namespace, IReadOnlyDictionary<string, string>? Selector, string Host, IReadOnlyList<Cluster> Clusters);
