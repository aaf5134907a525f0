using Mesh.Proxy.Clusters;

namespace Mesh.Proxy.Routing;

/// <summary>A route's destinations with relative weights (w/Σw); a lone destination takes all traffic.</summary>
internal sealed class WeightedDestinations
{
    private readonly WeightedDestination[] _destinations;
    private readonly long[] _cumulative;

    public WeightedDestinations(WeightedDestination[] destinations)
    {
        _destinations = destinations;
        _cumulative = new long[destinations.Length];
        long sum = 0;
        for (var i = 0; i < destinations.Length; i++)
        {
            sum += destinations[i].Weight;
            _cumulative[i] = sum;
        }
    }

    public IReadOnlyList<WeightedDestination> All => _destinations;

    public WeightedDestination Pick()
    {
        if (_destinations.Length == 1)
        {
            return _destinations[0];
        }

        var ticket = Random.Shared.NextInt64(_cumulative[^1]);
        var index = Array.BinarySearch(_cumulative, ticket + 1);
        return _destinations[index >= 0 ? index : ~index];
    }
}

internal sealed record WeightedDestination(ClusterRuntime Cluster, uint Weight, HeaderOperations Headers);
