using Mesh.Proxy.Clusters;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Balancing;

/// <summary>RANDOM: a weighted random endpoint.</summary>
internal sealed class RandomBalancer : ILoadBalancer
{
    private readonly WeightedEndpoints _endpoints;

    public RandomBalancer(EndpointRuntime[] endpoints) => _endpoints = new WeightedEndpoints(endpoints);

    public EndpointRuntime? Pick(HttpContext context, long now) => _endpoints.PickRandom(now);
}
