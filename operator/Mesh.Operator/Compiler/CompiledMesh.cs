using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
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
    // The name list of the latest compile's hosts, which the next compile of the same hosts shares, so the diffs
    // between their sets compare versions only (see NameList). A race between compiles only misses the share.
    private static NameList? _latestHostNames;

    // A node's key and labels, taken once per node object rather than on every publication.
    private static readonly ConditionalWeakTable<Node, NodeKey> NodeKeys = [];

    private readonly MeshCompilerOptions _options;
    private readonly IReadOnlyList<HostEntry> _hosts;
    private readonly IReadOnlyList<TcpListenerEntry> _listeners;
    private readonly ClusterPart _clusters;
    private readonly SelectorTable _selectors;
    private readonly InboundBuilder _inbound;
    private readonly WorkloadRules _workloadRules;
    private readonly ConcurrentDictionary<string, OutboundPart> _outbound = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ProxyInputs> _inputs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CompiledProxyConfig> _proxies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CompiledProxyConfig> _byVersion = new(StringComparer.Ordinal);
    private readonly NameList _hostNames;
    private Dictionary<string, HostEntry>? _hostsByFqdn;
    private readonly IReadOnlyDictionary<string, ServiceClusters> _serviceClusters;

    // The compile before this one, whose per-proxy work this one takes over where its inputs are unchanged; dropped
    // when the next compile takes this one's place, so at most two compiles stay linked.
    private CompiledMesh? _previous;

    // Indexes of the hosts not taken over from the previous compile (null: the host lists differ, nothing is reused).
    private readonly int[]? _changedHosts;

    // Whether each proxy's selectors, workload rules and options read the same as in the previous compile.
    private readonly bool _sameProxyInputs;

    internal CompiledMesh(
        MeshCompilerOptions options,
        IReadOnlyList<HostEntry> hosts,
        IReadOnlyList<TcpListenerEntry> listeners,
        IReadOnlyList<Cluster> clusters,
        SelectorTable selectors,
        InboundBuilder inbound,
        WorkloadRules workloadRules,
        IReadOnlyList<ResourceResult> results,
        IReadOnlyDictionary<string, ServiceClusters> serviceClusters,
        ReusableWork work,
        CompiledMesh? previous = null)
    {
        _serviceClusters = serviceClusters;
        Work = work;
        _options = options;
        _hosts = hosts;
        _listeners = listeners;
        _clusters = ClusterPart.Build(clusters, previous?._clusters);
        _hostNames = _latestHostNames = NameList.Of(hosts, static h => h.Service.Fqdn).SameAs(previous?._hostNames ?? _latestHostNames);
        _selectors = selectors;
        _inbound = inbound;
        _workloadRules = workloadRules;
        Results = results;
        if (previous is not null)
        {
            previous._previous = null;
            _previous = previous;
            _changedHosts = ReferenceEquals(_hostNames, previous._hostNames)
                ? [.. Enumerable.Range(0, hosts.Count).Where(i => !hosts[i].Reused)]
                : null;
            _sameProxyInputs = selectors.SameAs(previous._selectors) && workloadRules.SameAs(previous._workloadRules) &&
                options.TrustDomain == previous._options.TrustDomain && options.RootNamespace == previous._options.RootNamespace &&
                options.OutboundTrafficPolicy == previous._options.OutboundTrafficPolicy;
        }
    }

    /// <summary>One result per mesh resource (VirtualService, DestinationRule, MeshPolicy, WorkloadEntry), sorted.</summary>
    public IReadOnlyList<ResourceResult> Results { get; }

    public IEnumerable<Diagnostic> Diagnostics => Results.SelectMany(r => r.Diagnostics);

    /// <summary>This compile's validation, route templates and results, for the next compile to take over.</summary>
    internal ReusableWork Work { get; }

    /// <summary>The host entry of <paramref name="fqdn"/>, for the next compile to reuse.</summary>
    internal HostEntry? HostOf(string fqdn) =>
        LazyInitializer.EnsureInitialized(ref _hostsByFqdn, () => _hosts.ToDictionary(h => h.Service.Fqdn, StringComparer.Ordinal)).GetValueOrDefault(fqdn);

    /// <summary>The clusters of the service <paramref name="fqdn"/>, for the next compile to reuse.</summary>
    internal ServiceClusters? ClustersOf(string fqdn) => _serviceClusters.GetValueOrDefault(fqdn);

    public CompiledProxyConfig ConfigFor(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var key = NodeKeys.GetValue(node, static n =>
        {
            var labels = n.Labels.ToDictionary(StringComparer.Ordinal);
            return new NodeKey($"{n.Namespace}\n{LabelSelector.Canonical(labels)}\n{n.ServiceAccount}", labels);
        });
        return _proxies.TryGetValue(key.Key, out var config)
            ? config
            : _proxies.GetOrAdd(key.Key, static (k, a) => a.Mesh.Assemble(k, a.Namespace, a.Labels), (Mesh: this, node.Namespace, key.Labels));
    }

    private CompiledProxyConfig Assemble(string key, string ns, Dictionary<string, string> labels)
    {
        var previous = _previous;
        var inputs = previous is not null && _sameProxyInputs && previous._inputs.TryGetValue(key, out var before) && _inbound.SameAs(ns, previous._inbound)
            ? before
            : InputsFor(ns, labels);
        _inputs.TryAdd(key, inputs);
        var outbound = _outbound.GetOrAdd(inputs.OutboundKey, static (k, a) => a.Mesh.BuildOutbound(k, a.Namespace, a.Inputs), (Mesh: this, Namespace: ns, Inputs: inputs));
        var clusters = outbound.Clusters;
        var hosts = outbound.Hosts;
        var clusterSet = clusters?.Set ?? _clusters.Set;

        // Nothing this proxy's config is made of changed: the previous compile's config object serves again.
        if (previous is not null && previous._proxies.TryGetValue(key, out var old) && old.SameParts(hosts, clusterSet, inputs.Inbound, outbound.Listeners))
        {
            return _byVersion.GetOrAdd(old.Version, old);
        }

        var version = ContentHash.Combine(
        [
            outbound.Hash.Value,
            clusters?.Hash ?? _clusters.Hash,
            inputs.InboundHash,
            outbound.Listeners.Field,
            Encoding.UTF8.GetBytes($"{_options.TrustDomain}|{(int)_options.OutboundTrafficPolicy}"),
        ]);

        // Proxies whose labels differ in ways no rule reads get equal configs: one instance per version, so their
        // resources are described once and a delta to them is built once (see ProxyResources.DeltaFrom).
        return _byVersion.GetOrAdd(Convert.ToHexStringLower(version)[..16], v => new CompiledProxyConfig(
            v,
            clusters?.Clusters ?? _clusters.Clusters,
            inputs.Inbound,
            inputs.InboundHash,
            outbound.Listeners,
            _options,
            new ProxyConfigParts(hosts, clusters?.Field ?? _clusters.Field, clusterSet)));
    }

    private ProxyInputs InputsFor(string ns, Dictionary<string, string> labels)
    {
        var matched = _selectors.Matching(labels);
        var scope = _inbound.EgressFor(ns, labels);
        var selected = _workloadRules.Matching(ns, labels);
        var key = selected.Length == 0 ? $"{ns}|{string.Join(",", matched)}|{scope?.Key}" : $"{ns}|{string.Join(",", matched)}|{scope?.Key}|{string.Join(",", selected)}";
        var inbound = _inbound.Build(ns, labels);
        return new ProxyInputs(matched, scope, selected, key, inbound, ContentHash.Of(inbound));
    }

    private OutboundPart BuildOutbound(string key, string ns, ProxyInputs inputs)
    {
        var (matched, scope, selected) = (inputs.Matched, inputs.Scope, inputs.Selected);
        var listeners = TcpListenerPart.Of([.. _listeners.Where(l => scope is null || scope.Includes(l.Service, ns)).Select(l => l.For(ns, matched))]);
        if (scope is null && selected.Length == 0 && _changedHosts is { } changed && _sameProxyInputs &&
            _previous?._outbound.TryGetValue(key, out var before) == true && before.Clusters is null)
        {
            return Update(before, ns, matched, changed, listeners);
        }

        IReadOnlyList<HostEntry> entries = scope is null ? _hosts : [.. _hosts.Where(h => scope.Includes(h.Service, ns))];
        var variants = new HashedVirtualHost[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            variants[i] = entries[i].For(entries[i].Service.Namespace == ns, matched);
        }

        var names = scope is null ? _hostNames : NameList.Of(entries, static h => h.Service.Fqdn);
        var clusters = scope is null ? null : ScopedClusters(variants, listeners.Listeners);
        return new OutboundPart(variants, new VirtualHostSet(variants, names), HostSetHash.Of(variants), listeners, selected.Length == 0 ? clusters : SelectedClusters(clusters?.Clusters ?? _clusters.Clusters, selected));
    }

    // The previous compile's part with only the hosts this compile did not take over built again (the others'
    // variants are the same objects): a change to one host costs each part one variant and two small hashes.
    private OutboundPart Update(OutboundPart before, string ns, int[] matched, int[] changed, TcpListenerPart listeners)
    {
        if (before.Listeners.Field.AsSpan().SequenceEqual(listeners.Field))
        {
            listeners = before.Listeners;
        }

        HashedVirtualHost[]? variants = null;
        foreach (var i in changed)
        {
            var variant = _hosts[i].For(_hosts[i].Service.Namespace == ns, matched);
            if (!ReferenceEquals(variant, before.Variants[i]))
            {
                (variants ??= (HashedVirtualHost[])before.Variants.Clone())[i] = variant;
            }
        }

        if (variants is null)
        {
            return ReferenceEquals(listeners, before.Listeners) ? before : before with { Listeners = listeners };
        }

        return new OutboundPart(variants, new VirtualHostSet(variants, _hostNames), before.Hash.With(variants, changed), listeners, null);
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
    private ScopedClusterPart ScopedClusters(HashedVirtualHost[] hosts, L4Listener[] listeners)
    {
        var services = hosts.Select(h => h.Host.Name).ToHashSet(StringComparer.Ordinal);
        var named = hosts.SelectMany(h => h.Host.Routes)
            .SelectMany(r => (r.Forward?.Destinations.Select(d => d.Cluster) ?? []).Append(r.Mirror?.Cluster ?? ""))
            .Concat(listeners.SelectMany(l => l.Routes).SelectMany(r => r.Destinations).Select(d => d.Cluster))
            .ToHashSet(StringComparer.Ordinal);
        var all = _clusters.Clusters;
        var resources = _clusters.Resources;
        var kept = Enumerable.Range(0, all.Count).Where(i => services.Contains(all[i].ServiceHost) || named.Contains(all[i].Name)).ToArray();
        var field = new byte[kept.Sum(i => resources[i].Field.Length)];
        var offset = 0;
        foreach (var i in kept)
        {
            resources[i].Field.Span.CopyTo(field.AsSpan(offset));
            offset += resources[i].Field.Length;
        }

        // Resources are cut from this scope's own encoding so that a push reads one buffer, as unscoped ones do.
        var clusters = kept.Select(i => all[i]).ToArray();
        return new ScopedClusterPart(clusters, field, new ClusterSet(ClusterResource.Split(clusters, field)), ContentHash.Combine([field]));
    }
}
