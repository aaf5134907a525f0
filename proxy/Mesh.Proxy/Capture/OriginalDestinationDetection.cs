using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Mesh.Proxy.Capture;

/// <summary>
/// Connection middleware of the outbound listener: once per connection, asks the kernel where a captured
/// connection was going and, when that is not the listener itself, sets <see cref="IOriginalDestinationFeature"/>
/// for the request handler (Kestrel's request features fall back to the connection's).
/// </summary>
internal static class OriginalDestinationDetection
{
    public static ConnectionDelegate Middleware(ConnectionDelegate next) => connection =>
    {
        if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket
            && OriginalDestination.TryRead(socket) is { } original
            && !IsSameEndPoint(original, connection.LocalEndPoint))
        {
            connection.Features.Set<IOriginalDestinationFeature>(new OriginalDestinationFeature(original));
        }

        return next(connection);
    };

    private static bool IsSameEndPoint(IPEndPoint original, EndPoint? local) =>
        local is IPEndPoint listener && listener.Port == original.Port && Normalize(listener.Address).Equals(Normalize(original.Address));

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
