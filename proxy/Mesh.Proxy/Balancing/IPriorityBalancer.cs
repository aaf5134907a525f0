using Mesh.Proxy.Clusters;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Balancing;

/// <summary>
/// A balancer over ordered priority groups (locality failover), which a retry can ask to avoid the priorities it
/// already tried (Envoy's previous_priorities, Istio's <c>retryRemoteLocalities</c>).
/// </summary>
internal interface IPriorityBalancer : ILoadBalancer
{
    /// <summary>The priority <paramref name="endpoint"/> belongs to, or -1 when it is not one of this balancer's.</summary>
    int PriorityOf(EndpointRuntime endpoint);

    /// <summary>
    /// Picks as <see cref="ILoadBalancer.Pick"/> does among the priorities whose bit is clear in
    /// <paramref name="excluded"/>; when that leaves none, among all (Envoy resets the excluded set).
    /// </summary>
    EndpointRuntime? PickExcluding(HttpContext context, long now, ulong excluded);
}
