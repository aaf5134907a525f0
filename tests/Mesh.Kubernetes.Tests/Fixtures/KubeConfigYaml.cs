using System.Text;

namespace Mesh.Kubernetes.Tests.Fixtures;

/// <summary>KubernetesClient's configuration of kubeconfig YAML held in memory.</summary>
internal static class KubeConfigYaml
{
    public static k8s.KubernetesClientConfiguration Build(string yaml, string? context = null)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(yaml));
        return k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(stream, context);
    }
}
