using Mesh.Proxy.Clusters;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Balancing;

/// <summary>
/// PEAK_EWMA (Finagle, Linkerd): power of two choices on cost = peak-EWMA latency × (in-flight + 1) / weight, so
/// a slow endpoint loses traffic as soon as it turns slow and wins it back gradually.
/// </summary>
internal sealed class PeakEwmaBalancer : ILoadBalancer
{
    // Cost of an endpoint with no latency sample yet: optimistic, so that new endpoints get probed.
    private const double UnmeasuredSeconds = 0.000_1;

    private readonly WeightedEndpoints _endpoints;
    private readonly TimeProvider _time;

    public PeakEwmaBalancer(EndpointRuntime[] endpoints, TimeProvider time)
    {
        _endpoints = new WeightedEndpoints(endpoints);
        _time = time;
    }

    public EndpointRuntime? Pick(HttpContext context, long now)
    {
        var first = _endpoints.PickRandom(now);
        if (first is null || _endpoints.Endpoints.Length == 1)
        {
            return first;
        }

        var second = _endpoints.PickRandom(now)!;
        return Cost(second, now) < Cost(first, now) ? second : first;
    }

    private double Cost(EndpointRuntime endpoint, long now)
    {
        var latency = endpoint.Stats.PeakEwmaSeconds(now, _time);
        return Math.Max(latency, UnmeasuredSeconds) * (endpoint.Stats.InFlight + 1) / endpoint.Weight;
    }
}
