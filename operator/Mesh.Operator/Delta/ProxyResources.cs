using System.Runtime.CompilerServices;
using Google.Protobuf;
using Mesh.Api.V1;
using Mesh.Operator.Compiler;

namespace Mesh.Operator.Delta;

/// <summary>
/// One proxy's config as versioned resources: what a delta is computed from. The virtual host and cluster sets are
/// shared with every proxy that has the same ones (their diffs are computed once for all of them); only the inbound
/// config and the scalar fields are the proxy's own. Immutable.
/// </summary>
internal sealed class ProxyResources(
    string version,
    VirtualHostSet virtualHosts,
    ClusterSet clusters,
    bool hasInbound,
    byte[] inboundVersion,
    ReadOnlyMemory<byte> inboundField,
    ReadOnlyMemory<byte> scalarFields)
{
    // Keyed weakly by the base: a base no connection remembers any more takes its delta with it.
    private readonly ConditionalWeakTable<DeltaBase, BuiltDelta> _deltas = [];

    public string Version { get; } = version;

    public VirtualHostSet VirtualHosts { get; } = virtualHosts;

    public ClusterSet Clusters { get; } = clusters;

    public bool HasInbound { get; } = hasInbound;

    public byte[] InboundVersion { get; } = inboundVersion;

    /// <summary>ProxyConfig field 3 (empty when there is no inbound config).</summary>
    public ReadOnlyMemory<byte> InboundField { get; } = inboundField;

    /// <summary>ProxyConfig fields 4-6 (outbound traffic policy, trust domain, tcp listeners), carried by every delta.</summary>
    public ReadOnlyMemory<byte> ScalarFields { get; } = scalarFields;

    /// <summary>What a later delta from this config is computed from; holds no encodings.</summary>
    public DeltaBase Baseline => field ??= new DeltaBase(Version, VirtualHosts.Digest, Clusters.Digest, HasInbound, InboundVersion);

    /// <summary>The delta turning <paramref name="previous"/> into this config, or null when a whole config is smaller or a delta cannot express it.</summary>
    public DeltaPayload? DeltaFrom(ProxyResources previous) => DeltaFrom(previous.Baseline);

    /// <inheritdoc cref="DeltaFrom(ProxyResources)"/>
    /// <remarks>
    /// Built once per base: every proxy that moves from the same config to this one is written the same delta, so
    /// an endpoint change to thousands of proxies encodes one delta per distinct pair of configs, not one per proxy.
    /// </remarks>
    public DeltaPayload? DeltaFrom(DeltaBase previous) =>
        _deltas.GetValue(previous, p => new BuiltDelta(DeltaBuilder.Build(p, this))).Payload;

    /// <summary>The resources of a config built as a message (encoded here, not shared).</summary>
    public static ProxyResources FromMessage(string version, ProxyConfig config)
    {
        var hosts = config.VirtualHosts
            .Select(v => FieldEncoding.Encode(ProxyConfig.VirtualHostsFieldNumber, v, out var prefix) is var field
                ? new HashedVirtualHost(v, ResourceVersion.Of(field.AsSpan(prefix)), field)
                : null!)
            .ToArray();
        var clusters = config.Clusters.Select(ClusterResource.Of).ToArray();
        var inbound = config.Inbound is null ? [] : FieldEncoding.Encode(ProxyConfig.InboundFieldNumber, config.Inbound, out _);
        var scalars = new ProxyConfig { OutboundTrafficPolicy = config.OutboundTrafficPolicy, TrustDomain = config.TrustDomain, TcpListeners = { config.TcpListeners } }.ToByteArray();
        return new ProxyResources(version, new VirtualHostSet(hosts), new ClusterSet(clusters), config.Inbound is not null, ResourceVersion.Of(inbound), inbound, scalars);
    }

    // A delta, or null when a whole config is sent instead; the table needs a reference for both.
    private sealed record BuiltDelta(DeltaPayload? Payload);
}
