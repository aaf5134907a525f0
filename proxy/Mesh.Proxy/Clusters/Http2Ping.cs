using Mesh.Proxy.Config;

namespace Mesh.Proxy.Clusters;

/// <summary>
/// Istio's connectionPool.http.http2KeepAlive: a PING on an upstream HTTP/2 connection after <see cref="Interval"/>
/// without frames from it, and the connection closed when the PING is not answered within <see cref="Timeout"/>; both
/// at least a second.
/// </summary>
internal sealed record Http2Ping(TimeSpan Interval, TimeSpan Timeout)
{
    // SocketsHttpHandler takes no PING delay or timeout below a second; a shorter one is raised to it.
    private static readonly TimeSpan Floor = TimeSpan.FromSeconds(1);

    public static Http2Ping? From(Api.V1.ConnectionPool? pool, string path)
    {
        if (pool is null || (pool.Http2KeepaliveInterval is null && pool.Http2KeepaliveTimeout is null))
        {
            return null;
        }

        var interval = pool.Http2KeepaliveInterval?.ToTimeSpan() ?? TimeSpan.Zero;
        var timeout = pool.Http2KeepaliveTimeout?.ToTimeSpan() ?? TimeSpan.Zero;
        if (interval <= TimeSpan.Zero)
        {
            throw new InvalidProxyConfigException(path + ".http2_keepalive_interval", "needs a positive interval when http2 keepalive is set");
        }

        if (timeout <= TimeSpan.Zero)
        {
            throw new InvalidProxyConfigException(path + ".http2_keepalive_timeout", "needs a positive timeout when http2 keepalive is set");
        }

        return new Http2Ping(interval < Floor ? Floor : interval, timeout < Floor ? Floor : timeout);
    }
}
