using Mesh.Proxy.Clusters;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Balancing;

/// <summary>LEAST_REQUEST (the mesh default): power of two choices, the candidate with fewer in-flight requests per weight wins.</summary>
internal sealed class LeastRequestBalancer : ILoadBalancer
{
    private readonly WeightedEndpoints _endpoints;

    public LeastRequestBalancer(EndpointRuntime[] endpoints) => _endpoints = new WeightedEndpoints(endpoints);

    public EndpointRuntime? Pick(HttpContext context, long now)
    {
        var first = _endpoints.PickRandom(now);
        if (first is null || _endpoints.Endpoints.Length == 1)
        {
            return first;
        }

        var second = _endpoints.PickRandom(now)!;
        return Load(second) < Load(first) ? second : first;
    }

    private static double Load(EndpointRuntime endpoint) => (endpoint.Stats.InFlight + 1.0) / endpoint.Weight;
}
