using Mesh.Proxy.Balancing;
using Mesh.Proxy.Clusters;
using Mesh.Proxy.Telemetry;

namespace Mesh.Proxy.Routing;

/// <summary>A route's destinations with relative weights (w/Σw); a lone destination takes all traffic.</summary>
internal sealed class WeightedDestinations
{
    private readonly WeightedDestination[] _destinations;
    private readonly CumulativeWeights _weights;

    public WeightedDestinations(WeightedDestination[] destinations)
    {
        _destinations = destinations;
        _weights = new CumulativeWeights(destinations.Length, i => destinations[i].Weight);
    }

    public IReadOnlyList<WeightedDestination> All => _destinations;

    public WeightedDestination Pick() => _destinations[_weights.PickIndex()];
}

/// <param name="Metrics">The request metrics of this route to this destination, bound when the snapshot was built.</param>
internal sealed record WeightedDestination(ClusterRuntime Cluster, uint Weight, HeaderOperations Headers, RequestSeries Metrics);
