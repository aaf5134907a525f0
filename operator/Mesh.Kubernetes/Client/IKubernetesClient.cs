namespace Mesh.Kubernetes.Client;

/// <summary>
/// KubernetesClient's typed API on the mesh's configuration, connections, retry policy and server trust. Call it
/// through <see cref="KubernetesClientExtensions.CallAsync"/> so that failures surface as
/// <see cref="KubernetesException"/> (NotFound, Conflict, Expired, ... with the API server's Status).
/// </summary>
public interface IKubernetesClient : IDisposable
{
    /// <summary>The namespace of the configuration (the pod's own in a cluster).</summary>
    string DefaultNamespace { get; }

    /// <summary>KubernetesClient's typed API (<c>V1*</c> models, custom objects, list and watch).</summary>
    k8s.IKubernetes Api { get; }
}
