namespace Mesh.IntegrationTests.Fixtures;

/// <summary>
/// A test that needs a real cluster (<see cref="ClusterSource"/>): skipped, with the reason, when neither
/// MESH_TEST_KUBECONFIG nor a Docker engine for Testcontainers' k3s is available.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ClusterFactAttribute : FactAttribute
{
    public ClusterFactAttribute()
    {
        if (ClusterSource.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
