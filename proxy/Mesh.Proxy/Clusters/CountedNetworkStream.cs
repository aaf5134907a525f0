using System.Net.Sockets;

namespace Mesh.Proxy.Clusters;

/// <summary>A connection's stream that tells its client when it closes, for the upstream connections gauge.</summary>
internal sealed class CountedNetworkStream : NetworkStream
{
    private readonly UpstreamClient _client;
    private int _disposed;

    public CountedNetworkStream(Socket socket, UpstreamClient client)
        : base(socket, ownsSocket: true)
    {
        _client = client;
        client.OnConnectionOpened();
    }

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _client.OnConnectionClosed();
        }

        base.Dispose(disposing);
    }
}
