using Mesh.Proxy.Clusters;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Balancing;

/// <summary>
/// Consistent hash (Envoy's ring hash): each endpoint owns points on a ring in proportion to its weight; a key
/// goes to the owner of the first point at or after its hash. Removing one of N endpoints moves only the keys it
/// owned, about 1/N of them. Requests without a key fall back to a weighted random endpoint.
/// </summary>
internal sealed class RingHashBalancer : ILoadBalancer
{
    private readonly ulong[] _points;
    private readonly EndpointRuntime[] _owners;
    private readonly WeightedEndpoints _fallback;
    private readonly IHashKeySource _keys;

    public RingHashBalancer(EndpointRuntime[] endpoints, int minimumRingSize, IHashKeySource keys)
    {
        _keys = keys;
        _fallback = new WeightedEndpoints(endpoints);
        var totalWeight = endpoints.Sum(e => (long)e.Weight);
        // Points per unit of weight: the power of two that makes the ring at least minimumRingSize. Rounding to a
        // power of two keeps it unchanged when one endpoint of many leaves, so the others keep their points.
        var perWeight = (int)Math.Min(1 << 16, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, Math.Ceiling((double)minimumRingSize / Math.Max(1, totalWeight)))));
        var ring = new List<(ulong Point, EndpointRuntime Owner)>();
        foreach (var endpoint in endpoints)
        {
            var share = perWeight * endpoint.Weight;
            var name = EndpointRuntime.Key(endpoint.Address, endpoint.Port);
            for (var i = 0; i < share; i++)
            {
                ring.Add((HashKey.Of($"{name}_{i}"), endpoint));
            }
        }

        ring.Sort((a, b) => a.Point.CompareTo(b.Point));
        _points = ring.Select(r => r.Point).ToArray();
        _owners = ring.Select(r => r.Owner).ToArray();
    }

    public EndpointRuntime? Pick(HttpContext context, long now) =>
        _keys.TryGetHash(context, out var hash) ? PickByHash(hash, now) : _fallback.PickRandom(now);

    internal EndpointRuntime? PickByHash(ulong hash, long now)
    {
        if (_points.Length == 0)
        {
            return null;
        }

        var index = Array.BinarySearch(_points, hash);
        if (index < 0)
        {
            index = ~index;
        }

        // Walk clockwise past ejected endpoints so that only their keys move.
        for (var i = 0; i < _owners.Length; i++)
        {
            var owner = _owners[(index + i) % _owners.Length];
            if (!owner.Stats.IsEjected(now))
            {
                return owner;
            }
        }

        return _owners[index % _owners.Length];
    }
}
