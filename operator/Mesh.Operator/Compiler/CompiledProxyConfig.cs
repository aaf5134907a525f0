using System.Buffers;
using Google.Protobuf;
using Mesh.Api.V1;
using Mesh.Operator.Delta;

namespace Mesh.Operator.Compiler;

/// <summary>
/// One proxy's config and its version. The parts shared with other proxies (virtual hosts, clusters) are referenced,
/// not copied; <see cref="ToProxyConfig"/> assembles the message. The version is the hex SHA-256 (first 16
/// characters) over the content hashes of every part in order, so it changes exactly when the content does.
/// <see cref="WriteTo"/> writes the serialized message from parts encoded once and shared with other proxies, so
/// pushing to many proxies costs copies, not serializations.
/// </summary>
public sealed class CompiledProxyConfig
{
    private readonly ProxyConfigParts _parts;
    private readonly byte[] _inboundHash;
    private byte[]? _ownFields;
    private ProxyResources? _resources;

    internal CompiledProxyConfig(
        string version,
        IReadOnlyList<Cluster> clusters,
        InboundConfig inbound,
        byte[] inboundHash,
        TcpListenerPart listeners,
        MeshCompilerOptions options,
        ProxyConfigParts parts)
    {
        Version = version;
        Clusters = clusters;
        Inbound = inbound;
        _inboundHash = inboundHash;
        Listeners = listeners;
        Options = options;
        _parts = parts;
    }

    public string Version { get; }

    /// <summary>The virtual hosts, taken from the shared set (for building the message; pushes write the encodings).</summary>
    internal IReadOnlyList<VirtualHost> VirtualHosts => [.. _parts.Hosts.Hosts.Select(h => h.Host)];

    internal IReadOnlyList<Cluster> Clusters { get; }

    internal InboundConfig Inbound { get; }

    internal TcpListenerPart Listeners { get; }

    private MeshCompilerOptions Options { get; }

    /// <summary>Whether this config is made of exactly these parts (the same objects).</summary>
    internal bool SameParts(VirtualHostSet hosts, ClusterSet clusters, InboundConfig inbound, TcpListenerPart listeners) =>
        ReferenceEquals(_parts.Hosts, hosts) && ReferenceEquals(_parts.Clusters, clusters) && ReferenceEquals(Inbound, inbound) && ReferenceEquals(Listeners, listeners);

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
        config.TcpListeners.AddRange(Listeners.Listeners);
        return config;
    }

    /// <summary>The length of the serialized ProxyConfig, what <see cref="WriteTo"/> writes.</summary>
    public int SerializedLength => checked((int)(_parts.Hosts.Length + _parts.ClusterFields.Length + OwnFields.Length));

    /// <summary>Writes the serialization of <see cref="ToProxyConfig"/>, byte for byte, without building the message.</summary>
    public void WriteTo(IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);

        // Fields in field-number order, as the generated WriteTo writes them: virtual_hosts, clusters, then the rest.
        foreach (var host in _parts.Hosts.Hosts)
        {
            destination.Write(host.Field);
        }

        destination.Write(_parts.ClusterFields);
        destination.Write(OwnFields);
    }

    /// <summary>
    /// This config as versioned resources for deltas, made on first use from the shared encodings (only the inbound
    /// and scalar fields are encoded here). One instance per config, so deltas computed against it are shared.
    /// </summary>
    internal ProxyResources Resources => LazyInitializer.EnsureInitialized(ref _resources, CreateResources);

    private ProxyResources CreateResources()
    {
        var inbound = FieldEncoding.Encode(ProxyConfig.InboundFieldNumber, Inbound, out _);
        var scalars = OwnFields.AsMemory(inbound.Length);
        return new ProxyResources(Version, _parts.Hosts, _parts.Clusters, hasInbound: true, _inboundHash, inbound, scalars);
    }

    // Fields 3-5 (inbound, outbound_traffic_policy, trust_domain), the only part encoded per proxy, then field 6
    // (tcp_listeners) from its shared encoding. A race encodes them twice, to the same bytes.
    private byte[] OwnFields => _ownFields ??= [.. new ProxyConfig
    {
        Inbound = Inbound,
        OutboundTrafficPolicy = Options.OutboundTrafficPolicy,
        TrustDomain = Options.TrustDomain,
    }.ToByteArray(), .. Listeners.Field];
}
