using System.Runtime.CompilerServices;
using Google.Protobuf;
using Mesh.Api.V1;
using Mesh.Operator.Compiler;

namespace Mesh.Operator.Delta;

/// <summary>
/// One proxy's config as named, versioned, encoded resources: what a delta is computed from. Immutable and shared by
/// every proxy with the same config; the deltas from each earlier config it is compared with are computed once and
/// shared too (weakly keyed: a cached delta never keeps an old config alive).
/// </summary>
internal sealed class ProxyResources
{
    private readonly ConditionalWeakTable<ProxyResources, Computed> _deltas = [];

    public ProxyResources(
        string version,
        IReadOnlyList<NamedResource> virtualHosts,
        IReadOnlyList<ClusterResource> clusters,
        InboundConfig? inbound,
        byte[] inboundVersion,
        ReadOnlyMemory<byte> inboundField,
        ReadOnlyMemory<byte> scalarFields)
    {
        Version = version;
        VirtualHosts = virtualHosts;
        Clusters = clusters;
        HasInbound = inbound is not null;
        InboundVersion = inboundVersion;
        InboundField = inboundField;
        ScalarFields = scalarFields;
        Sorted = IsSorted(virtualHosts, static v => v.Name) && IsSorted(clusters, static c => c.Name);
    }

    public string Version { get; }

    /// <summary>Sorted by name when <see cref="Sorted"/>.</summary>
    public IReadOnlyList<NamedResource> VirtualHosts { get; }

    /// <summary>Sorted by name when <see cref="Sorted"/>.</summary>
    public IReadOnlyList<ClusterResource> Clusters { get; }

    public bool HasInbound { get; }

    public byte[] InboundVersion { get; }

    /// <summary>ProxyConfig field 3 (empty when there is no inbound config).</summary>
    public ReadOnlyMemory<byte> InboundField { get; }

    /// <summary>ProxyConfig fields 4-5 (outbound traffic policy, trust domain), carried by every delta.</summary>
    public ReadOnlyMemory<byte> ScalarFields { get; }

    /// <summary>Names strictly ascending (ordinal), which the delta rules need.</summary>
    public bool Sorted { get; }

    /// <summary>The delta turning <paramref name="previous"/> into this config, or null when a whole config is smaller or a delta cannot express it.</summary>
    public DeltaPayload? DeltaFrom(ProxyResources previous) =>
        _deltas.GetValue(previous, p => new Computed(DeltaBuilder.Build(p, this))).Delta;

    /// <summary>The resources of a config built as a message (encoded here, not shared).</summary>
    public static ProxyResources FromMessage(string version, ProxyConfig config)
    {
        var hosts = config.VirtualHosts
            .Select(v => FieldEncoding.Encode(ProxyConfig.VirtualHostsFieldNumber, v, out var prefix) is var field
                ? new NamedResource(v.Name, field, ResourceVersion.Of(field.AsSpan(prefix)))
                : null!)
            .ToArray();
        var clusters = config.Clusters.Select(ClusterResource.Of).ToArray();
        var inbound = config.Inbound is null ? [] : FieldEncoding.Encode(ProxyConfig.InboundFieldNumber, config.Inbound, out _);
        var scalars = new ProxyConfig { OutboundTrafficPolicy = config.OutboundTrafficPolicy, TrustDomain = config.TrustDomain }.ToByteArray();
        return new ProxyResources(version, hosts, clusters, config.Inbound, ResourceVersion.Of(inbound), inbound, scalars);
    }

    private static bool IsSorted<T>(IReadOnlyList<T> items, Func<T, string> nameOf)
    {
        for (var i = 1; i < items.Count; i++)
        {
            if (string.CompareOrdinal(nameOf(items[i - 1]), nameOf(items[i])) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    private sealed record Computed(DeltaPayload? Delta);
}
