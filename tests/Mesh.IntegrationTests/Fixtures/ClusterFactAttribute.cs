namespace Mesh.IntegrationTests.Fixtures;

/// <summary>A test that needs a real cluster: skipped, with the reason, unless MESH_TEST_KUBECONFIG names one.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ClusterFactAttribute : FactAttribute
{
    public const string Variable = "MESH_TEST_KUBECONFIG";

    public ClusterFactAttribute()
    {
        var path = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(path))
        {
            Skip = $"needs a Kubernetes cluster: set {Variable} to its kubeconfig (build/k3s-test.sh starts a local k3s)";
        }
        else if (!File.Exists(path))
        {
            Skip = $"{Variable}={path} does not exist";
        }
    }

    public static string KubeconfigPath => Environment.GetEnvironmentVariable(Variable)!;
}
