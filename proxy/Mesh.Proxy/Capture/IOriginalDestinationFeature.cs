using System.Net;

namespace Mesh.Proxy.Capture;

/// <summary>
/// Set on a connection that iptables redirected to the outbound listener: the address the client actually
/// connected to. Absent on connections made to the listener directly (explicit proxy, local mode).
/// </summary>
internal interface IOriginalDestinationFeature
{
    IPEndPoint EndPoint { get; }

    /// <summary>"http://ADDRESS:PORT" of <see cref="EndPoint"/>, built once per connection for passthrough forwarding.</summary>
    string DestinationPrefix { get; }
}
