namespace Mesh.Kubernetes.Config;

/// <summary>The kubeconfig or in-cluster configuration is missing or invalid; the message names what and where.</summary>
public sealed class KubeConfigException : Exception
{
    public KubeConfigException(string message)
        : base(message)
    {
    }

    public KubeConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
