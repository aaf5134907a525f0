using Mesh.Proxy.Clusters;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Balancing;

/// <summary>Picks the endpoint for one try. Ejected endpoints are skipped unless every endpoint is ejected (panic mode).</summary>
internal interface ILoadBalancer
{
    /// <summary>Null only when the cluster has no endpoints.</summary>
    EndpointRuntime? Pick(HttpContext context, long now);
}
