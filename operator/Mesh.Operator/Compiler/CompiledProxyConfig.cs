using Mesh.Api.V1;

namespace Mesh.Operator.Compiler;

/// <summary>
/// One proxy's config and its version. The parts shared with other proxies (virtual hosts, clusters) are referenced,
/// not copied; <see cref="ToProxyConfig"/> assembles the message. The version is the hex SHA-256 (first 16
/// characters) over the content hashes of every part in order, so it changes exactly when the content does.
/// </summary>
public sealed class CompiledProxyConfig
{
    internal CompiledProxyConfig(
        string version,
        IReadOnlyList<VirtualHost> virtualHosts,
        IReadOnlyList<Cluster> clusters,
        InboundConfig inbound,
        MeshCompilerOptions options)
    {
        Version = version;
        VirtualHosts = virtualHosts;
        Clusters = clusters;
        Inbound = inbound;
        Options = options;
    }

    public string Version { get; }

    internal IReadOnlyList<VirtualHost> VirtualHosts { get; }

    internal IReadOnlyList<Cluster> Clusters { get; }

    internal InboundConfig Inbound { get; }

    private MeshCompilerOptions Options { get; }

    /// <summary>
    /// A new ProxyConfig whose nested messages are shared with other proxies' configs: serialize it, never change it.
    /// </summary>
    public ProxyConfig ToProxyConfig()
    {
        var config = new ProxyConfig
        {
            Inbound = Inbound,
            OutboundTrafficPolicy = Options.OutboundTrafficPolicy,
            TrustDomain = Options.TrustDomain,
        };
        config.VirtualHosts.AddRange(VirtualHosts);
        config.Clusters.AddRange(Clusters);
        return config;
    }
}
