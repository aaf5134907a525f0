using Mesh.Testing;

namespace Mesh.IntegrationTests.Fixtures;

/// <summary>
/// The mesh installed in the cluster as the README installs it: the chart (the packaged <c>artifacts/chart</c> when
/// build/test.sh made it, else <c>charts/mesh</c>) with helm into a namespace of its own, on the images of
/// <see cref="MeshImages"/>, its two operator replicas ready. Disposing uninstalls it and deletes the namespace.
/// </summary>
internal sealed class MeshInstall : IAsyncDisposable
{
    private readonly Cluster _cluster;
    private readonly string _kubeconfig;

    private MeshInstall(Cluster cluster, string kubeconfig, string release, string @namespace)
    {
        _cluster = cluster;
        _kubeconfig = kubeconfig;
        Release = release;
        Namespace = @namespace;
    }

    /// <summary>helm: <c>MESH_HELM</c>, else what build/install-tools.sh put into <c>.mesh/tools/bin</c>.</summary>
    public static string Helm => Environment.GetEnvironmentVariable("MESH_HELM") is { Length: > 0 } helm ? helm : RepositoryPaths.Combine(".mesh", "tools", "bin", "helm");

    public static string? SkipReason =>
        File.Exists(Helm) ? MeshImages.SkipReason() : "needs helm: set MESH_HELM or run build/install-tools.sh (.mesh/tools/bin/helm)";

    public string Release { get; }

    /// <summary>The operator's namespace: its Deployment, Lease, Secrets and webhook Service.</summary>
    public string Namespace { get; }

    public static async Task<MeshInstall> InstallAsync(Cluster cluster, CancellationToken cancellationToken)
    {
        var (operatorImage, proxyImage) = await MeshImages.EnsureAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var install = new MeshInstall(cluster, await ClusterSource.KubeconfigAsync(), $"mesh-{suffix}", $"mesh-system-{suffix}");
        var pullPolicy = ClusterSource.OwnsCluster ? "Never" : "IfNotPresent";
        var (operatorRepository, operatorTag) = SplitImage(operatorImage);
        var (proxyRepository, proxyTag) = SplitImage(proxyImage);
        cancellationToken.ThrowIfCancellationRequested();
        await MeshImages.RunAsync(
            Helm,
            [
                "install", install.Release, Chart(), "--kubeconfig", install._kubeconfig, "--namespace", install.Namespace, "--create-namespace",
                "--set", $"operator.image.repository={operatorRepository}", "--set", $"operator.image.tag={operatorTag}", "--set", $"operator.image.pullPolicy={pullPolicy}",
                "--set", $"proxy.image.repository={proxyRepository}", "--set", $"proxy.image.tag={proxyTag}", "--set", $"proxy.image.pullPolicy={pullPolicy}",
                "--set", $"operator.rootNamespace={install.Namespace}", "--wait", "--timeout", "5m",
            ],
            TimeSpan.FromMinutes(6));
        return install;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await MeshImages.RunAsync(Helm, ["uninstall", Release, "--kubeconfig", _kubeconfig, "--namespace", Namespace, "--wait"], TimeSpan.FromMinutes(3));
        }
        finally
        {
            await _cluster.DeleteNamespaceAsync(Namespace, CancellationToken.None);
        }
    }

    private static string Chart()
    {
        var packaged = RepositoryPaths.Combine("artifacts", "chart");
        return Directory.Exists(packaged) && Directory.GetFiles(packaged, "mesh-*.tgz").Order(StringComparer.Ordinal).LastOrDefault() is { } tgz
            ? tgz
            : RepositoryPaths.Combine("charts", "mesh");
    }

    private static (string Repository, string Tag) SplitImage(string image)
    {
        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }
}
