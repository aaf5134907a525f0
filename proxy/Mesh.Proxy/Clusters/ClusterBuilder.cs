using Mesh.Api.V1;
using Mesh.Proxy.Balancing;
using Mesh.Proxy.Config;
using Mesh.Proxy.Hosting;
using Mesh.Proxy.Resilience;
using Mesh.Proxy.Runtime;
using Mesh.Proxy.Tls;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Proxy.Clusters;

/// <summary>Compiles a proto cluster, reusing the live state (endpoint stats, pooled client) of the snapshot it replaces.</summary>
internal sealed class ClusterBuilder
{
    /// <summary>Istio's default connect timeout.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(1);

    // h2c to the upstream needs prior knowledge, hence an exact version for HTTP/2.
    private static readonly ForwarderRequestConfig Http2Config = new() { Version = System.Net.HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
    private static readonly ForwarderRequestConfig Http1Config = new() { Version = System.Net.HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };

    private readonly UpstreamClientCache _clients;
    private readonly TimeProvider _time;
    private readonly ProxyLocality _locality;
    private readonly IReadOnlyDictionary<string, string> _labels;

    /// <param name="options">The proxy's own labels, hence its locality; null: none (locality balancing off).</param>
    public ClusterBuilder(UpstreamClientCache clients, TimeProvider time, ProxyOptions? options = null)
    {
        _clients = clients;
        _time = time;
        _labels = options?.Labels ?? new Dictionary<string, string>();
        _locality = ProxyLocality.FromLabels(_labels);
    }

    public ClusterRuntime Build(Cluster proto, string path, ProxySnapshot? previous, Telemetry.RequestSeriesSet.Binder metrics)
    {
        if (proto.Name.Length == 0)
        {
            throw new InvalidProxyConfigException(path + ".name", "must not be empty");
        }

        ClusterRuntime? before = null;
        previous?.Clusters.TryGetValue(proto.Name, out before);
        var oldStats = before?.Endpoints.ToDictionary(e => EndpointRuntime.Key(e.Address, e.Port), e => e.Stats) ?? [];

        var endpoints = new EndpointRuntime[proto.Endpoints.Count];
        for (var i = 0; i < endpoints.Length; i++)
        {
            var e = proto.Endpoints[i];
            if (e.Address.Length == 0)
            {
                throw new InvalidProxyConfigException($"{path}.endpoints[{i}].address", "must not be empty");
            }

            if (e.Port is 0 or > 65535)
            {
                throw new InvalidProxyConfigException($"{path}.endpoints[{i}].port", $"{e.Port} is not a port");
            }

            var key = EndpointRuntime.Key(e.Address, (int)e.Port);
            var stats = oldStats.TryGetValue(key, out var kept) ? kept : new EndpointStats();
            endpoints[i] = new EndpointRuntime(
                e.Address,
                (int)e.Port,
                e.Weight == 0 ? 1 : (int)Math.Min(e.Weight, 1_000_000),
                e.Workload,
                stats,
                e.Locality.Length == 0 ? null : ProxyLocality.Parse(e.Locality),
                e.Labels.Count == 0 ? null : e.Labels);
        }

        var pool = proto.ConnectionPool;
        var connectTimeout = pool?.ConnectTimeout?.ToTimeSpan() is { } ct && ct > TimeSpan.Zero ? ct : DefaultConnectTimeout;
        var idleTimeout = pool?.IdleTimeout?.ToTimeSpan() is { } it && it > TimeSpan.Zero ? it : DefaultIdleTimeout;
        var maxConnections = (int)Math.Min(pool?.MaxConnections ?? 0, int.MaxValue);
        var protocol = pool?.H2Upgrade == true ? UpstreamProtocol.Http2 : proto.Protocol;
        var tls = UpstreamTls.Create(proto, protocol, before?.Tls);
        var lifetime = pool?.MaxConnectionDuration?.ToTimeSpan() is { } age && age > TimeSpan.Zero ? age : (TimeSpan?)null;

        // Of maxRequestsPerConnection only 1 is applied (analyze warns of larger values): SocketsHttpHandler offers no
        // per-connection request count, and hands a returned HTTP/1.1 connection straight to a queued request.
        var client = _clients.Acquire(new UpstreamSettings(proto.Name, connectTimeout, maxConnections, idleTimeout, tls, lifetime, UpstreamKeepalive.From(pool?.TcpKeepalive), Http2Ping.From(pool, path + ".connection_pool"), pool?.Http2MaxConcurrentStreams ?? 0, pool?.MaxRequestsPerConnection == 1));

        var outlier = OutlierDetector.Create(proto.OutlierDetection, _time);
        outlier?.Attach(endpoints);
        return new ClusterRuntime
        {
            Name = proto.Name,
            ServiceHost = proto.ServiceHost,
            Subset = proto.Subset,
            Protocol = protocol,
            Endpoints = endpoints,
            Balancer = LoadBalancerFactory.Create(proto.LoadBalancer, endpoints, _time, path + ".load_balancer", _locality, _labels),
            Client = client,
            Tls = tls,
            RequestConfig = protocol == UpstreamProtocol.Http2 ? Http2Config : Http1Config,
            Http2RequestConfig = pool?.UseClientProtocol == true ? Http2Config : null,
            MaxRequests = MaxRequests(pool, protocol),
            MaxRetries = (int)Math.Min(pool?.MaxRetries ?? 0, int.MaxValue),
            OutlierDetector = outlier,
            Stats = before?.Stats ?? new ClusterStats(_time),
            UnroutedMetrics = metrics.Outbound(proto.ServiceHost, proto.Subset, string.Empty),
        };
    }

    /// <summary>
    /// Envoy's circuit breakers as one in-flight limit: http2_max_requests bounds parallel requests of any protocol;
    /// for HTTP/1 clusters max_connections + http1_max_pending_requests bounds requests holding or waiting for a
    /// connection. 0 means unlimited.
    /// </summary>
    private static int MaxRequests(ConnectionPool? pool, UpstreamProtocol protocol)
    {
        if (pool is null)
        {
            return 0;
        }

        long limit = pool.Http2MaxRequests;
        if (protocol == UpstreamProtocol.Http1 && pool.Http1MaxPendingRequests > 0 && pool.MaxConnections > 0)
        {
            var http1 = (long)pool.MaxConnections + pool.Http1MaxPendingRequests;
            limit = limit == 0 ? http1 : Math.Min(limit, http1);
        }

        return (int)Math.Min(limit, int.MaxValue);
    }
}
