using System.Collections.Concurrent;
using System.Text;
using Mesh.Api.V1;
using Mesh.Operator.Delta;
using Mesh.Operator.Validation;

namespace Mesh.Operator.Compiler;

/// <summary>
/// The result of compiling one snapshot: everything proxies share, compiled once, from which each proxy's config is
/// assembled on demand. Proxies with the same namespace, labels and service account get the same (cached) result;
/// proxies in one namespace that match the same sourceLabels selectors share their outbound part.
/// Safe for concurrent use.
/// </summary>
public sealed class CompiledMesh
{
    private readonly MeshCompilerOptions _options;
    private readonly IReadOnlyList<HostEntry> _hosts;
    private readonly IReadOnlyList<Cluster> _clusters;
    private readonly byte[] _clustersHash;
    private readonly byte[] _clustersField;
    private readonly ClusterResource[] _clusterResources;
    private readonly SelectorTable _selectors;
    private readonly InboundBuilder _inbound;
    private readonly ConcurrentDictionary<string, OutboundPart> _outbound = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CompiledProxyConfig> _proxies = new(StringComparer.Ordinal);

    internal CompiledMesh(
        MeshCompilerOptions options,
        IReadOnlyList<HostEntry> hosts,
        IReadOnlyList<Cluster> clusters,
        SelectorTable selectors,
        InboundBuilder inbound,
        IReadOnlyList<ResourceResult> results)
    {
        _options = options;
        _hosts = hosts;
        _clusters = clusters;
        // Every proxy carries all clusters: encoded once per compile, and hashed from that encoding.
        _clustersField = FieldEncoding.EncodeAll(ProxyConfig.ClustersFieldNumber, clusters, out _clustersHash);
        _clusterResources = ClusterResource.Split(clusters, _clustersField);
        _selectors = selectors;
        _inbound = inbound;
        Results = results;
    }

    /// <summary>One result per mesh resource (VirtualService, DestinationRule, MeshPolicy, WorkloadEntry), sorted.</summary>
    public IReadOnlyList<ResourceResult> Results { get; }

    public IEnumerable<Diagnostic> Diagnostics => Results.SelectMany(r => r.Diagnostics);

    public CompiledProxyConfig ConfigFor(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var labels = node.Labels.ToDictionary(StringComparer.Ordinal);
        var key = $"{node.Namespace}\n{LabelSelector.Canonical(labels)}\n{node.ServiceAccount}";
        return _proxies.GetOrAdd(key, _ => Assemble(node.Namespace, labels));
    }

    private CompiledProxyConfig Assemble(string ns, Dictionary<string, string> labels)
    {
        var matched = _selectors.Matching(labels);
        var outbound = _outbound.GetOrAdd($"{ns}|{string.Join(",", matched)}", _ => BuildOutbound(ns, matched));
        var inbound = _inbound.Build(ns, labels);
        var inboundHash = ContentHash.Of(inbound);
        var version = ContentHash.Combine(
        [
            outbound.Hash,
            _clustersHash,
            inboundHash,
            Encoding.UTF8.GetBytes($"{_options.TrustDomain}|{(int)_options.OutboundTrafficPolicy}"),
        ]);
        return new CompiledProxyConfig(
            Convert.ToHexStringLower(version)[..16],
            outbound.VirtualHosts,
            _clusters,
            inbound,
            inboundHash,
            _options,
            new ProxyConfigParts(outbound.Variants, outbound.FieldsLength, _clustersField, _clusterResources));
    }

    private OutboundPart BuildOutbound(string ns, int[] matched)
    {
        var hosts = new VirtualHost[_hosts.Count];
        var variants = new HashedVirtualHost[_hosts.Count];
        var length = 0L;
        for (var i = 0; i < _hosts.Count; i++)
        {
            var variant = _hosts[i].For(_hosts[i].Service.Namespace == ns, matched);
            hosts[i] = variant.Host;
            variants[i] = variant;
            length += variant.Field.Length;
        }

        return new OutboundPart(hosts, variants, length, ContentHash.Combine(variants.Select(v => v.Hash)));
    }

    private sealed record OutboundPart(VirtualHost[] VirtualHosts, HashedVirtualHost[] Variants, long FieldsLength, byte[] Hash);
}
