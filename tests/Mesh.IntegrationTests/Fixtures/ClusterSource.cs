using Testcontainers.K3s;

namespace Mesh.IntegrationTests.Fixtures;

/// <summary>
/// Where the suite's cluster comes from: the kubeconfig <c>MESH_TEST_KUBECONFIG</c> names (k3s, kind, any), else a
/// pinned <c>rancher/k3s</c> that Testcontainers starts once per test run where a Docker engine is reachable.
/// With neither, <see cref="SkipReason"/> says why every test is skipped.
/// </summary>
internal static class ClusterSource
{
    public const string Variable = "MESH_TEST_KUBECONFIG";

    /// <summary>Pinned so that a run is reproducible; the Kubernetes minor the chart and KubernetesClient 21 target.</summary>
    public const string K3sImage = "rancher/k3s:v1.33.4-k3s1";

    private static readonly Lazy<Task<(string Kubeconfig, K3sContainer Container)>> Started = new(StartK3sAsync);

    /// <summary>Null when a cluster can be had; otherwise why not.</summary>
    public static string? SkipReason { get; } = FindSkipReason();

    /// <summary>The kubeconfig file of the cluster, starting k3s on first use when no kubeconfig is given.</summary>
    public static Task<string> KubeconfigAsync()
        => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? Task.FromResult(path) : KubeconfigOfK3sAsync();

    /// <summary>True when the suite starts its own k3s, whose container runtime it can load images into.</summary>
    public static bool OwnsCluster => string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)) && SkipReason is null;

    /// <summary>The k3s container this run started (<see cref="OwnsCluster"/>), started on first use.</summary>
    public static async Task<K3sContainer> ContainerAsync() => (await Started.Value).Container;

    private static async Task<string> KubeconfigOfK3sAsync() => (await Started.Value).Kubeconfig;

    private static string? FindSkipReason()
    {
        var path = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(path))
        {
            return File.Exists(path) ? null : $"{Variable}={path} does not exist";
        }

        return DockerIsReachable()
            ? null
            : $"needs a Kubernetes cluster: no Docker engine for Testcontainers' {K3sImage} (DOCKER_HOST unset, no /var/run/docker.sock; " +
              $"this project's machines cannot pull images) and {Variable} is not set";
    }

    private static bool DockerIsReachable()
        => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")) || File.Exists("/var/run/docker.sock");

    private static async Task<(string Kubeconfig, K3sContainer Container)> StartK3sAsync()
    {
        // Testcontainers' resource reaper removes the container when the test process ends.
        var container = new K3sBuilder(K3sImage).Build();
        await container.StartAsync();
        var path = Path.Combine(Path.GetTempPath(), $"mesh-it-k3s-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, await container.GetKubeconfigAsync());
        return (path, container);
    }
}
