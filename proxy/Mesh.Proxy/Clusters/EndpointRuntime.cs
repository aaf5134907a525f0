using System.Net;

namespace Mesh.Proxy.Clusters;

/// <summary>One upstream endpoint of one cluster as configured; its mutable state lives in <see cref="Stats"/>.</summary>
internal sealed class EndpointRuntime
{
    private static readonly Dictionary<string, string> NoLabels = [];

    public EndpointRuntime(string address, int port, int weight, string workload, EndpointStats stats, Balancing.ProxyLocality? locality = null, IReadOnlyDictionary<string, string>? labels = null)
    {
        Locality = locality ?? Balancing.ProxyLocality.None;
        Labels = labels ?? NoLabels;
        Address = address;
        Port = port;
        Weight = weight;
        Workload = workload;
        Stats = stats;
        DestinationPrefix = IPAddress.TryParse(address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"http://[{address}]:{port}"
            : $"http://{address}:{port}";
    }

    public string Address { get; }

    public int Port { get; }

    /// <summary>Relative weight, at least 1.</summary>
    public int Weight { get; }

    public string Workload { get; }

    /// <summary>Where the endpoint runs; <see cref="Balancing.ProxyLocality.None"/> when unknown.</summary>
    public Balancing.ProxyLocality Locality { get; }

    /// <summary>The workload's labels, which failoverPriority compares with the proxy's.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary>"http://ADDRESS:PORT", what the forwarder prefixes the request path with.</summary>
    public string DestinationPrefix { get; }

    /// <summary>In-flight count, latency and outlier state; carried over while the endpoint stays in the cluster.</summary>
    public EndpointStats Stats { get; }

    public static string Key(string address, int port) => $"{address}:{port}";
}
