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
    // The name lists of the latest compile, which the next compile of the same hosts and clusters shares, so the
    // diffs between their sets compare versions only (see NameList). A race between compiles only misses the share.
    private static NameList? _latestHostNames;
    private static NameList? _latestClusterNames;

    private readonly MeshCompilerOptions _options;
    private readonly IReadOnlyList<HostEntry> _hosts;
    private readonly IReadOnlyList<TcpListenerEntry> _listeners;
    private readonly IReadOnlyList<Cluster> _clusters;
    private readonly byte[] _clustersHash;
    private readonly byte[] _clustersField;
    private readonly ClusterResource[] _clusterResources;
    private readonly ClusterSet _clusterSet;
    private readonly SelectorTable _selectors;
    private readonly InboundBuilder _inbound;
    private readonly WorkloadRules _workloadRules;
    private readonly ConcurrentDictionary<string, OutboundPart> _outbound = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CompiledProxyConfig> _proxies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CompiledProxyConfig> _byVersion = new(StringComparer.Ordinal);
    private readonly NameList _hostNames;
    private Dictionary<string, HostEntry>? _hostsByFqdn;

    internal CompiledMesh(
        MeshCompilerOptions options,
        IReadOnlyList<HostEntry> hosts,
        IReadOnlyList<TcpListenerEntry> listeners,
        IReadOnlyList<Cluster> clusters,
        SelectorTable selectors,
        InboundBuilder inbound,
        WorkloadRules workloadRules,
        IReadOnlyList<ResourceResult> results)
    {
        _options = options;
        _hosts = hosts;
        _listeners = listeners;
        _clusters = clusters;
        // Every proxy carries all clusters: encoded once per compile, and hashed from that encoding.
        _clustersField = FieldEncoding.EncodeAll(ProxyConfig.ClustersFieldNumber, clusters, out _clustersHash);
        _clusterResources = ClusterResource.Split(clusters, _clustersField);
        _clusterSet = new ClusterSet(_clusterResources, _latestClusterNames = NameList.Of(_clusterResources, static c => c.Name).SameAs(_latestClusterNames));
        _hostNames = _latestHostNames = NameList.Of(hosts, static h => h.Service.Fqdn).SameAs(_latestHostNames);
        _selectors = selectors;
        _inbound = inbound;
        _workloadRules = workloadRules;
        Results = results;
    }

    /// <summary>One result per mesh resource (VirtualService, DestinationRule, MeshPolicy, WorkloadEntry), sorted.</summary>
    public IReadOnlyList<ResourceResult> Results { get; }

    public IEnumerable<Diagnostic> Diagnostics => Results.SelectMany(r => r.Diagnostics);

    /// <summary>The host entry of <paramref name="fqdn"/>, for the next compile to reuse.</summary>
    internal HostEntry? HostOf(string fqdn) =>
        LazyInitializer.EnsureInitialized(ref _hostsByFqdn, () => _hosts.ToDictionary(h => h.Service.Fqdn, StringComparer.Ordinal)).GetValueOrDefault(fqdn);

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
        var scope = _inbound.EgressFor(ns, labels);
        var selected = _workloadRules.Matching(ns, labels);
        var key = selected.Length == 0 ? $"{ns}|{string.Join(",", matched)}|{scope?.Key}" : $"{ns}|{string.Join(",", matched)}|{scope?.Key}|{string.Join(",", selected)}";
        var outbound = _outbound.GetOrAdd(key, _ => BuildOutbound(ns, matched, scope, selected));
        var inbound = _inbound.Build(ns, labels);
        var inboundHash = ContentHash.Of(inbound);
        var version = ContentHash.Combine(
        [
            outbound.Hash,
            outbound.Clusters?.Hash ?? _clustersHash,
            inboundHash,
            outbound.Listeners.Field,
            Encoding.UTF8.GetBytes($"{_options.TrustDomain}|{(int)_options.OutboundTrafficPolicy}"),
        ]);
        var clusters = outbound.Clusters;

        // Proxies whose labels differ in ways no rule reads get equal configs: one instance per version, so their
        // resources are described once and a delta to them is built once (see ProxyResources.DeltaFrom).
        return _byVersion.GetOrAdd(Convert.ToHexStringLower(version)[..16], v => new CompiledProxyConfig(
            v,
            outbound.VirtualHosts,
            clusters?.Clusters ?? _clusters,
            inbound,
            inboundHash,
            outbound.Listeners,
            _options,
            new ProxyConfigParts(outbound.Hosts, clusters?.Field ?? _clustersField, clusters?.Set ?? _clusterSet)));
    }

    private OutboundPart BuildOutbound(string ns, int[] matched, EgressScope? scope, int[] selected)
    {
        IReadOnlyList<HostEntry> entries = scope is null ? _hosts : [.. _hosts.Where(h => scope.Includes(h.Service, ns))];
        var hosts = new VirtualHost[entries.Count];
        var variants = new HashedVirtualHost[entries.Count];
        var hashes = new byte[entries.Count][];
        for (var i = 0; i < entries.Count; i++)
        {
            var variant = entries[i].For(entries[i].Service.Namespace == ns, matched);
            hosts[i] = variant.Host;
            variants[i] = variant;
            hashes[i] = variant.Hash;
        }

        var names = scope is null ? _hostNames : NameList.Of(entries, static h => h.Service.Fqdn);
        var listeners = TcpListenerPart.Of([.. _listeners.Where(l => scope is null || scope.Includes(l.Service, ns)).Select(l => l.For(ns, matched))]);
        var clusters = scope is null ? null : ScopedClusters(hosts, listeners.Listeners);
        return new OutboundPart(hosts, new VirtualHostSet(variants, names), ContentHash.Combine(hashes), listeners, selected.Length == 0 ? clusters : SelectedClusters(clusters?.Clusters ?? _clusters, selected));
    }

    // A proxy that workload-selected DestinationRules apply to: their clusters replace those of the same hosts (the
    // hosts it has at all, when scoped). A subset only the replaced rule defines keeps its name with no endpoints, so
    // that routes to it answer 503 as Istio's do (its sidecar has no such cluster) rather than the config being
    // refused. Encoded once per distinct selection.
    private ScopedClusterPart SelectedClusters(IReadOnlyList<Cluster> clusters, int[] selected)
    {
        var present = clusters.Select(c => c.ServiceHost).ToHashSet(StringComparer.Ordinal);
        var entries = selected.Select(i => _workloadRules[i]).Where(e => present.Contains(e.Host)).ToList();
        var replaced = entries.Select(e => e.Host).ToHashSet(StringComparer.Ordinal);
        var variants = entries.SelectMany(e => e.Clusters).ToList();
        var names = variants.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var orphans = clusters
            .Where(c => replaced.Contains(c.ServiceHost) && !names.Contains(c.Name))
            .Select(WorkloadRules.WithoutEndpoints);
        Cluster[] merged = [.. clusters.Where(c => !replaced.Contains(c.ServiceHost)).Concat(variants).Concat(orphans).OrderBy(c => c.Name, StringComparer.Ordinal)];
        var field = FieldEncoding.EncodeAll(ProxyConfig.ClustersFieldNumber, merged, out var hash);
        return new ScopedClusterPart(merged, field, new ClusterSet(ClusterResource.Split(merged, field)), hash);
    }

    // A scoped proxy gets the clusters of the services in its scope and those its routes name (a route may send to a
    // service outside the scope; the proxy refuses a route to a cluster it does not have). Encoded once per scope.
    private ScopedClusterPart ScopedClusters(VirtualHost[] hosts, L4Listener[] listeners)
    {
        var services = hosts.Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
        var named = hosts.SelectMany(h => h.Routes)
            .SelectMany(r => (r.Forward?.Destinations.Select(d => d.Cluster) ?? []).Append(r.Mirror?.Cluster ?? ""))
            .Concat(listeners.SelectMany(l => l.Routes).SelectMany(r => r.Destinations).Select(d => d.Cluster))
            .ToHashSet(StringComparer.Ordinal);
        var kept = Enumerable.Range(0, _clusters.Count).Where(i => services.Contains(_clusters[i].ServiceHost) || named.Contains(_clusters[i].Name)).ToArray();
        var field = new byte[kept.Sum(i => _clusterResources[i].Field.Length)];
        var offset = 0;
        foreach (var i in kept)
        {
            _clusterResources[i].Field.Span.CopyTo(field.AsSpan(offset));
            offset += _clusterResources[i].Field.Length;
        }

        // Resources are cut from this scope's own encoding so that a push reads one buffer, as unscoped ones do.
        var clusters = kept.Select(i => _clusters[i]).ToArray();
        return new ScopedClusterPart(clusters, field, new ClusterSet(ClusterResource.Split(clusters, field)), ContentHash.Combine([field]));
    }

    private sealed record OutboundPart(VirtualHost[] VirtualHosts, VirtualHostSet Hosts, byte[] Hash, TcpListenerPart Listeners, ScopedClusterPart? Clusters);

    private sealed record ScopedClusterPart(Cluster[] Clusters, byte[] Field, ClusterSet Set, byte[] Hash);
}
