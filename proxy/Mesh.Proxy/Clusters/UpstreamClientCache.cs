using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

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

    public UpstreamClientCache(TimeProvider time) => _time = time;

    public UpstreamClient Acquire(UpstreamSettings settings)
    {
        var key = settings.Key;
        lock (_lock)
        {
            if (!_clients.TryGetValue(key, out var client))
            {
                client = new UpstreamClient(key, c => CreateHandler(settings, c));
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

    internal static SocketsHttpHandler CreateHandler(UpstreamSettings settings, UpstreamClient client) => new()
    {
        // As YARP's own client factory: a proxy forwards exactly what it receives.
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,

        // The proxy writes traceparent itself (its own span when tracing, the caller's otherwise).
        ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
        ConnectTimeout = settings.ConnectTimeout,
        MaxConnectionsPerServer = settings.MaxConnections > 0 ? settings.MaxConnections : int.MaxValue,
        PooledConnectionIdleTimeout = settings.IdleTimeout,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new CountedNetworkStream(socket, client);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}

/// <summary>The settings an upstream client is built from.</summary>
internal sealed record UpstreamSettings(string ClusterName, TimeSpan ConnectTimeout, int MaxConnections, TimeSpan IdleTimeout)
{
    public string Key => $"{ClusterName}|{ConnectTimeout.Ticks}|{MaxConnections}|{IdleTimeout.Ticks}";
}
