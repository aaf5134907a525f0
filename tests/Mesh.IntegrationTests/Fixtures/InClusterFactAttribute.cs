namespace Mesh.IntegrationTests.Fixtures;

/// <summary>
/// A test of the mesh installed in the cluster (its images, the chart): needs a cluster (<see cref="ClusterSource"/>),
/// helm (<see cref="MeshInstall.Helm"/>) and images the cluster can run: built with the <c>docker</c> CLI and loaded
/// into the suite's own k3s, or, with <c>MESH_TEST_KUBECONFIG</c>, already pushed where that cluster pulls from
/// (<c>MESH_TEST_OPERATOR_IMAGE</c>, <c>MESH_TEST_PROXY_IMAGE</c>). Skipped, with the reason, otherwise.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class InClusterFactAttribute : FactAttribute
{
    public InClusterFactAttribute()
    {
        Skip = ClusterSource.SkipReason ?? MeshInstall.SkipReason;
    }
}
