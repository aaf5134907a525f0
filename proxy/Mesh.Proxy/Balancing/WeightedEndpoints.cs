using Mesh.Proxy.Clusters;

namespace Mesh.Proxy.Balancing;

/// <summary>Weighted random choice over a cluster's endpoints that avoids ejected ones; shared by several balancers.</summary>
internal sealed class WeightedEndpoints
{
    private readonly EndpointRuntime[] _endpoints;
    private readonly CumulativeWeights _weights;

    public WeightedEndpoints(EndpointRuntime[] endpoints)
    {
        _endpoints = endpoints;
        _weights = new CumulativeWeights(endpoints.Length, i => endpoints[i].Weight);
    }

    public EndpointRuntime[] Endpoints => _endpoints;

    public EndpointRuntime? PickRandom(long now)
    {
        if (_endpoints.Length == 0)
        {
            return null;
        }

        // A few weighted draws find a healthy endpoint quickly when few are ejected; a scan settles the rest.
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var candidate = Draw();
            if (!candidate.Stats.IsEjected(now))
            {
                return candidate;
            }
        }

        return FirstHealthyFrom(Random.Shared.Next(_endpoints.Length), now);
    }

    /// <summary>The first endpoint at or after <paramref name="start"/> that is not ejected; any endpoint if all are.</summary>
    public EndpointRuntime FirstHealthyFrom(int start, long now)
    {
        for (var i = 0; i < _endpoints.Length; i++)
        {
            var candidate = _endpoints[(start + i) % _endpoints.Length];
            if (!candidate.Stats.IsEjected(now))
            {
                return candidate;
            }
        }

        return _endpoints[start % _endpoints.Length];
    }

    private EndpointRuntime Draw() => _endpoints[_weights.PickIndex()];
}
