using Mesh.Api.V1;
using Mesh.Proxy.Clusters;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Balancing;

/// <summary>
/// Locality-aware balancing over groups of a cluster's endpoints, each group with its own balancer of the cluster's
/// kind. Failover (Envoy's priorities): the first group, the endpoints nearest this proxy, takes every request while
/// it has a healthy endpoint, then the next; unlike Envoy there is no partial spill (overprovisioning factor) from a
/// partly ejected group. Distribute: groups are chosen by weight, passing over a group whose endpoints are all ejected.
/// Only failover groups are priorities (<see cref="IPriorityBalancer"/>): distribute weighs localities of one priority.
/// </summary>
internal sealed class LocalityBalancer : IPriorityBalancer
{
    // Priorities beyond this many share the last bit of an excluded set (there are at most 10 failover levels).
    private const int MaxTrackedPriorities = 64;

    private readonly ILoadBalancer[] _groups;
    private readonly CumulativeWeights? _weights;
    private readonly Dictionary<EndpointRuntime, int>? _priorities;

    /// <param name="weights">Null: failover in order; else the distribute weight of each group.</param>
    /// <param name="members">The endpoints of each group, in the order of <paramref name="groups"/> (failover only).</param>
    public LocalityBalancer(ILoadBalancer[] groups, long[]? weights, EndpointRuntime[][]? members = null)
    {
        _groups = groups;
        _weights = weights is null ? null : new CumulativeWeights(weights.Length, i => weights[i]);
        if (weights is null && members is not null)
        {
            _priorities = new(ReferenceEqualityComparer.Instance);
            for (var i = 0; i < members.Length; i++)
            {
                foreach (var endpoint in members[i])
                {
                    _priorities.TryAdd(endpoint, i);
                }
            }
        }
    }

    public EndpointRuntime? Pick(HttpContext context, long now) => PickExcluding(context, now, 0);

    public int PriorityOf(EndpointRuntime endpoint) =>
        _priorities is not null && _priorities.TryGetValue(endpoint, out var priority) ? Math.Min(priority, MaxTrackedPriorities - 1) : -1;

    public EndpointRuntime? PickExcluding(HttpContext context, long now, ulong excluded)
    {
        if (_priorities is null || AllExcluded(excluded))
        {
            excluded = 0;
        }

        var first = _weights is { } weights ? weights.PickIndex() : FirstIncluded(excluded);
        var chosen = _groups[first].Pick(context, now);
        if (chosen is null || !chosen.Stats.IsEjected(now))
        {
            return chosen;
        }

        for (var i = 1; i < _groups.Length; i++)
        {
            var index = (first + i) % _groups.Length;
            if (IsExcluded(excluded, index))
            {
                continue;
            }

            var candidate = _groups[index].Pick(context, now);
            if (candidate is not null && !candidate.Stats.IsEjected(now))
            {
                return candidate;
            }
        }

        // Every endpoint left is ejected: as the single-group balancers do, send to one anyway (panic).
        return chosen;
    }

    private static bool IsExcluded(ulong excluded, int index) => (excluded & (1UL << Math.Min(index, MaxTrackedPriorities - 1))) != 0;

    private bool AllExcluded(ulong excluded) => FirstIncluded(excluded) >= _groups.Length;

    private int FirstIncluded(ulong excluded)
    {
        var index = 0;
        while (index < _groups.Length && IsExcluded(excluded, index))
        {
            index++;
        }

        return index;
    }

    /// <summary>
    /// The groups of <paramref name="endpoints"/> for this proxy, or null when locality changes nothing (one group).
    /// </summary>
    public static (EndpointRuntime[][] Groups, long[]? Weights)? Group(LocalityLbSetting setting, EndpointRuntime[] endpoints, ProxyLocality self, IReadOnlyDictionary<string, string> selfLabels)
    {
        if (setting.Distribute.Count > 0)
        {
            return self.IsKnown && setting.Distribute.FirstOrDefault(d => self.IsIn(d.From)) is { } distribute ? Distributed(distribute, endpoints) : null;
        }

        if (!setting.FailoverByPriority || (!self.IsKnown && setting.FailoverPriority.Count == 0))
        {
            return null;
        }

        var groups = endpoints
            .GroupBy(e => Priority(setting, e, self, selfLabels))
            .OrderBy(g => g.Key)
            .Select(g => g.ToArray())
            .ToArray();
        return groups.Length > 1 ? (groups, null) : null;
    }

    private static (EndpointRuntime[][], long[]?)? Distributed(LocalityLbSetting.Types.Distribute distribute, EndpointRuntime[] endpoints)
    {
        // Each endpoint belongs to the first listed locality it is in (in the keys' ordinal order); the others get no traffic.
        var targets = distribute.To.OrderBy(t => t.Key, StringComparer.Ordinal).Where(t => t.Value > 0).ToArray();
        var groups = targets
            .Select(t => endpoints.Where(e => Array.FindIndex(targets, x => e.Locality.IsIn(x.Key)) == Array.IndexOf(targets, t)).ToArray())
            .ToArray();
        var weights = targets.Select(t => (long)t.Value).ToArray();
        var kept = Enumerable.Range(0, groups.Length).Where(i => groups[i].Length > 0).ToArray();
        return kept.Length == 0 ? null : (kept.Select(i => groups[i]).ToArray(), kept.Select(i => weights[i]).ToArray());
    }

    /// <summary>
    /// Lower is nearer: with failoverPriority labels, first by how many of them (in order) match the proxy's; then
    /// same subzone (0), zone (1), region (2), a failover region of this one (3), anywhere else (4).
    /// </summary>
    private static int Priority(LocalityLbSetting setting, EndpointRuntime endpoint, ProxyLocality self, IReadOnlyDictionary<string, string> selfLabels)
    {
        var labels = setting.FailoverPriority.Count;
        var matched = 0;
        while (matched < labels && selfLabels.TryGetValue(setting.FailoverPriority[matched], out var mine)
            && endpoint.Labels.TryGetValue(setting.FailoverPriority[matched], out var theirs) && mine == theirs)
        {
            matched++;
        }

        var there = endpoint.Locality;
        var locality = !self.IsKnown ? 0
            : there.Region != self.Region ? (setting.Failover.Any(f => f.From == self.Region && f.To == there.Region) ? 3 : 4)
            : there.Zone != self.Zone ? 2
            : there.Subzone != self.Subzone ? 1
            : 0;
        return ((labels - matched) * 5) + locality;
    }
}
