namespace Mesh.Kubernetes.Models;

/// <summary>Any object the API server serves: its type (apiVersion, kind) and its metadata.</summary>
public interface IKubernetesObject
{
    string? ApiVersion { get; set; }

    string? Kind { get; set; }

    ObjectMeta Metadata { get; set; }
}
