using Mesh.Proxy.Clusters;

namespace Mesh.Proxy.Forwarding;

/// <summary>Copies a percentage of requests to another cluster; the copy's outcome never affects the caller.</summary>
internal sealed record MirrorPolicy(ClusterRuntime Cluster, double Percentage)
{
    public bool ShouldMirror() => Percentage >= 100 || (Percentage > 0 && Random.Shared.NextDouble() * 100 < Percentage);
}
