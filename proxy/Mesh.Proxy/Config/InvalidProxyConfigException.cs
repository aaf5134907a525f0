namespace Mesh.Proxy.Config;

/// <summary>A config that cannot be served; <see cref="Exception.Message"/> names the field path and the reason.</summary>
public sealed class InvalidProxyConfigException : Exception
{
    public InvalidProxyConfigException(string path, string reason)
        : base($"{path}: {reason}")
    {
    }

    public InvalidProxyConfigException(string path, string reason, Exception inner)
        : base($"{path}: {reason}", inner)
    {
    }
}
