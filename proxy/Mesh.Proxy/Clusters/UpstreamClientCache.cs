using System.Net;
using System.Net.Sockets;
using Mesh.Proxy.Tls;

namespace Mesh.Proxy.Clusters;

/// <summary>
/// Pooled upstream clients, one per cluster and connection settings, kept across config swaps so that a swap
/// does not drop warm connections. A client no config uses any more is disposed after <see cref="RetireDelay"/>,
/// long enough for the requests still using it to finish.
/// </summary>
internal sealed class UpstreamClientCache : IDisposable
{
    public static readonly TimeSpan RetireDelay = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, UpstreamClient> _clients = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly UpstreamTlsConnector? _tls;

    /// <param name="tls">Secures connections of clusters with client TLS; null (unit tests of config handling): plaintext only.</param>
    public UpstreamClientCache(TimeProvider time, UpstreamTlsConnector? tls = null)
    {
        _time = time;
        _tls = tls;
    }

    public UpstreamClient Acquire(UpstreamSettings settings)
    {
        var key = settings.Key;
        lock (_lock)
        {
            if (!_clients.TryGetValue(key, out var client))
            {
                client = new UpstreamClient(key, c => settings.OneRequestPerConnection
                    ? new ConnectionCloseHandler(CreateHandler(settings, c, _tls))
                    : CreateHandler(settings, c, _tls));
                _clients.Add(key, client);
            }

            return client;
        }
    }

    public void RetainOnly(IEnumerable<UpstreamClient> inUse)
    {
        var keep = inUse.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        List<UpstreamClient> retired;
        lock (_lock)
        {
            retired = _clients.Values.Where(c => !keep.Contains(c.Key)).ToList();
            foreach (var client in retired)
            {
                _clients.Remove(client.Key);
            }
        }

        foreach (var client in retired)
        {
            ITimer? timer = null;
            timer = _time.CreateTimer(_ => { client.Dispose(); timer?.Dispose(); }, null, RetireDelay, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var client in _clients.Values)
            {
                client.Dispose();
            }

            _clients.Clear();
        }
    }

    internal static SocketsHttpHandler CreateHandler(UpstreamSettings settings, UpstreamClient client, UpstreamTlsConnector? tls) => new()
    {
        // As YARP's own client factory: a proxy forwards exactly what it receives.
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,

        // The proxy writes traceparent itself (its own span when tracing, the caller's otherwise). Null rather than
        // a no-output propagator: that leaves out the handler's DiagnosticsHandler stage, which would otherwise
        // start a client Activity per request under the proxy's span that no listener records.
        ActivityHeadersPropagator = null,
        ConnectTimeout = settings.ConnectTimeout,
        MaxConnectionsPerServer = settings.MaxConnections > 0 ? settings.MaxConnections : int.MaxValue,
        PooledConnectionIdleTimeout = settings.IdleTimeout,

        // Zero: a connection goes back to the pool only to be disposed, before any queued request can take it.
        PooledConnectionLifetime = settings.OneRequestPerConnection ? TimeSpan.Zero : settings.MaxConnectionDuration ?? Timeout.InfiniteTimeSpan,

        // Envoy's connection_keepalive pings whether or not a request is in flight, so an idle pooled connection
        // whose upstream vanished is found too.
        KeepAlivePingDelay = settings.Http2Ping?.Interval ?? Timeout.InfiniteTimeSpan,
        KeepAlivePingTimeout = settings.Http2Ping?.Timeout ?? TimeSpan.FromSeconds(20),
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
        ConnectCallback = (context, cancellationToken) => ConnectAsync(settings, client, tls, context, cancellationToken),
    };

    private static async ValueTask<Stream> ConnectAsync(UpstreamSettings settings, UpstreamClient client, UpstreamTlsConnector? tls, SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        settings.Keepalive?.Apply(socket);
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        Stream stream = new CountedNetworkStream(socket, client);
        try
        {
            // The request URI stays http://: SocketsHttpHandler speaks HTTP/1.1 or prior-knowledge h2 over this
            // stream as it would over TCP, and the TLS underneath is the mesh's business.
            if (tls is not null && settings.Tls is not null)
            {
                stream = await tls.SecureAsync(stream, settings.ClusterName, settings.Tls, context.DnsEndPoint, cancellationToken);
            }

            if (settings.Http2MaxConcurrentStreams > 0 && OpensHttp2(context.InitialRequestMessage))
            {
                var limited = new Http2StreamLimitStream(stream, settings.Http2MaxConcurrentStreams);
                stream = limited;
                await limited.ReadServerPrefaceAsync(cancellationToken);
            }

            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    // Over http:// the handler opens a prior-knowledge HTTP/2 connection exactly for such requests; an HTTP/1.1
    // connection of the same client (useClientProtocol) carries no frames to rewrite.
    internal static bool OpensHttp2(HttpRequestMessage request) =>
        request.Version.Major == 2 && request.VersionPolicy != HttpVersionPolicy.RequestVersionOrLower;
}

/// <summary>The settings an upstream client is built from.</summary>
/// <param name="MaxConnectionDuration">Age after which a connection is not reused; infinite by default.</param>
/// <param name="Keepalive">TCP keepalive of new connections; null: the socket's default (off).</param>
/// <param name="Http2Ping">HTTP/2 PINGs on upstream connections; null: none.</param>
/// <param name="Http2MaxConcurrentStreams">At most this many streams on each upstream HTTP/2 connection; 0: the upstream's own limit.</param>
/// <param name="OneRequestPerConnection">No connection is reused (maxRequestsPerConnection 1); false: connections are reused.</param>
internal sealed record UpstreamSettings(
    string ClusterName,
    TimeSpan ConnectTimeout,
    int MaxConnections,
    TimeSpan IdleTimeout,
    UpstreamTls? Tls = null,
    TimeSpan? MaxConnectionDuration = null,
    UpstreamKeepalive? Keepalive = null,
    Http2Ping? Http2Ping = null,
    uint Http2MaxConcurrentStreams = 0,
    bool OneRequestPerConnection = false)
{
    public string Key => $"{ClusterName}|{ConnectTimeout.Ticks}|{MaxConnections}|{IdleTimeout.Ticks}|{Tls?.Key ?? "plaintext"}|{MaxConnectionDuration?.Ticks}|{Keepalive}|{Http2Ping}|{Http2MaxConcurrentStreams}|{OneRequestPerConnection}";
}
