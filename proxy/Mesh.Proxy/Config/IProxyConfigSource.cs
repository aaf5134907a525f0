namespace Mesh.Proxy.Config;

/// <summary>
/// Somewhere configs come from: the control plane's stream or a static file. A source runs until cancelled, hands
/// every config it receives to <see cref="IConfigApplier"/> and reports the ACK or NACK back to its origin.
/// </summary>
public interface IProxyConfigSource
{
    Task RunAsync(CancellationToken cancellationToken);
}
