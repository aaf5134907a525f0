using Grpc.Net.Client;

namespace Mesh.Proxy.Config;

/// <summary>
/// The gRPC channel to the operator's discovery address (h2c with prior knowledge for <c>http://</c>). Both the config
/// stream and certificate signing use one of these.
/// </summary>
internal static class DiscoveryChannel
{
    /// <summary>A connection idle this long is checked with an HTTP/2 PING, so a control plane that vanished without a
    /// FIN (a node gone, a partition) is noticed and the proxy reconnects instead of waiting on a dead stream.</summary>
    public static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(60);

    /// <summary>How long a PING may go unanswered before the connection is closed.</summary>
    public static readonly TimeSpan KeepAlivePingTimeout = TimeSpan.FromSeconds(20);

    public static GrpcChannel Create(Uri address, int maxReceiveMessageSize)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = KeepAlivePingDelay,
            KeepAlivePingTimeout = KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = maxReceiveMessageSize,
            // The proxy's loops tell shutdown from a failed call by OperationCanceledException, not by CANCELLED.
            ThrowOperationCanceledOnCancellation = true,
        });
    }
}
