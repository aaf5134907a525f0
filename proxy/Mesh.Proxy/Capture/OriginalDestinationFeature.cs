using System.Net;
using System.Net.Sockets;

namespace Mesh.Proxy.Capture;

internal sealed class OriginalDestinationFeature : IOriginalDestinationFeature
{
    private string? _prefix;

    public OriginalDestinationFeature(IPEndPoint endPoint) => EndPoint = endPoint;

    public IPEndPoint EndPoint { get; }

    // Built on first use: requests that match a virtual host by Host never need it.
    public string DestinationPrefix => _prefix ??= EndPoint.AddressFamily == AddressFamily.InterNetworkV6
        ? $"http://[{EndPoint.Address}]:{EndPoint.Port}"
        : $"http://{EndPoint.Address}:{EndPoint.Port}";
}
