using Mesh.Proxy.Clusters;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Balancing;

/// <summary>
/// Consistent hash by a Maglev lookup table (Eisenbud et al., NSDI 2016; Envoy's maglev): each endpoint walks its own
/// permutation of the table's slots and claims the next free one in turn, an endpoint of weight w taking w turns per
/// round relative to the lightest, until the table is full. A key goes to the owner of slot hash mod size: one array
/// read, against the ring's binary search, and removing one of N endpoints moves little more than its own 1/N of the
/// keys. A request without a key goes to a weighted random endpoint; an ejected owner is passed over for the next
/// slot's, so only its keys move.
/// </summary>
internal sealed class MaglevBalancer : ILoadBalancer
{
    private readonly EndpointRuntime[] _table;
    private readonly WeightedEndpoints _fallback;
    private readonly IHashKeySource _keys;

    /// <param name="tableSize">A prime (validation sees to it), larger than the number of endpoints for an even spread.</param>
    public MaglevBalancer(EndpointRuntime[] endpoints, int tableSize, IHashKeySource keys)
    {
        _keys = keys;
        _fallback = new WeightedEndpoints(endpoints);
        _table = endpoints.Length == 0 ? [] : Populate(endpoints, tableSize);
    }

    public EndpointRuntime? Pick(HttpContext context, long now) =>
        _keys.TryGetHash(context, out var hash) ? PickByHash(hash, now) : _fallback.PickRandom(now);

    internal EndpointRuntime? PickByHash(ulong hash, long now)
    {
        if (_table.Length == 0)
        {
            return null;
        }

        var start = (int)(hash % (ulong)_table.Length);
        var owner = _table[start];
        if (!owner.Stats.IsEjected(now))
        {
            return owner;
        }

        // Rare: bounded by the table, and the first healthy slot after an ejected one is usually next door.
        for (var i = 1; i < _table.Length; i++)
        {
            var candidate = _table[(start + i) % _table.Length];
            if (!candidate.Stats.IsEjected(now))
            {
                return candidate;
            }
        }

        return owner;
    }

    private static EndpointRuntime[] Populate(EndpointRuntime[] endpoints, int size)
    {
        var count = endpoints.Length;
        var offset = new long[count];
        var skip = new long[count];
        var next = new long[count];
        var credit = new double[count];
        var maxWeight = endpoints.Max(e => e.Weight);
        for (var i = 0; i < count; i++)
        {
            var name = EndpointRuntime.Key(endpoints[i].Address, endpoints[i].Port);
            offset[i] = (long)(HashKey.Of(name) % (ulong)size);
            skip[i] = size == 1 ? 1 : (long)(HashKey.Of(name + "#skip") % (ulong)(size - 1)) + 1;
        }

        var table = new EndpointRuntime?[size];
        var filled = 0;
        while (filled < size)
        {
            for (var i = 0; i < count && filled < size; i++)
            {
                credit[i] += (double)endpoints[i].Weight / maxWeight;
                if (credit[i] < 1)
                {
                    continue;
                }

                credit[i] -= 1;
                long slot;
                do
                {
                    slot = (offset[i] + (next[i]++ * skip[i])) % size;
                }
                while (table[slot] is not null);

                table[slot] = endpoints[i];
                filled++;
            }
        }

        return table!;
    }
}
