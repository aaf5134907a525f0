using k8s;
using k8s.KubeConfigModels;

namespace Mesh.Kubernetes.Config;

/// <summary>
/// Finds the API server and credentials the way kubectl does, on KubernetesClient's kubeconfig support (contexts,
/// client certificates, tokens, exec and auth-provider credential plugins).
/// </summary>
public static class KubeConfig
{
    /// <summary>
    /// The configuration of an explicit kubeconfig path; otherwise in-cluster when in a pod (the projected token
    /// re-read as it rotates); otherwise <c>$KUBECONFIG</c> (paths merged, first occurrence wins) or
    /// <c>~/.kube/config</c>. <paramref name="context"/> overrides the kubeconfig's current-context.
    /// </summary>
    /// <exception cref="k8s.Exceptions.KubeConfigException">No usable configuration, or an unknown context.</exception>
    public static KubernetesClientConfiguration Load(string? kubeconfigPath = null, string? context = null, TimeProvider? timeProvider = null)
    {
        if (!string.IsNullOrEmpty(kubeconfigPath))
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath, context);
        }

        if (context is null && KubernetesClientConfiguration.IsInCluster())
        {
            return InCluster(timeProvider);
        }

        var fromEnvironment = Environment.GetEnvironmentVariable("KUBECONFIG");
        var paths = string.IsNullOrEmpty(fromEnvironment)
            ? [KubernetesClientConfiguration.KubeConfigDefaultLocation]
            : fromEnvironment.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return KubernetesClientConfiguration.BuildConfigFromConfigObject(Merge(paths), context);
    }

    /// <summary>The pod's service account, its token read again every <paramref name="tokenRefresh"/> (default 1 min).</summary>
    public static KubernetesClientConfiguration InCluster(TimeProvider? timeProvider = null, TimeSpan? tokenRefresh = null)
    {
        var config = KubernetesClientConfiguration.InClusterConfig();
        config.TokenProvider = new RotatingTokenFile(
            "/var/run/secrets/kubernetes.io/serviceaccount/token",
            timeProvider ?? TimeProvider.System,
            tokenRefresh ?? TimeSpan.FromMinutes(1));
        return config;
    }

    /// <summary>kubectl's merge of several kubeconfig files: the first file that names a cluster, user or context wins.</summary>
    internal static K8SConfiguration Merge(IReadOnlyList<string> paths)
    {
        var existing = paths.Where(File.Exists).ToList();
        if (existing.Count == 0)
        {
            throw new k8s.Exceptions.KubeConfigException($"No kubeconfig found at {string.Join(", ", paths)}.");
        }

        var merged = KubernetesClientConfiguration.LoadKubeConfig(existing[0]);
        foreach (var path in existing.Skip(1))
        {
            var next = KubernetesClientConfiguration.LoadKubeConfig(path);
            merged.CurrentContext ??= next.CurrentContext;
            merged.Clusters = Union(merged.Clusters, next.Clusters, c => c.Name);
            merged.Users = Union(merged.Users, next.Users, u => u.Name);
            merged.Contexts = Union(merged.Contexts, next.Contexts, c => c.Name);
        }

        return merged;
    }

    private static List<T> Union<T>(IEnumerable<T>? first, IEnumerable<T>? second, Func<T, string> name)
        => (first ?? []).Concat(second ?? []).DistinctBy(name).ToList();
}
