using System.Collections.Concurrent;
using System.Security.Cryptography;
using Mesh.Api.V1;

namespace Mesh.Operator.Compiler;

/// <summary>
/// One service host with its compiled route table, and the virtual hosts built from it. A proxy in the service's
/// namespace also reaches it by its bare name (<c>reviews</c>, <c>reviews:9080</c>), like Kubernetes DNS, so the
/// domains differ by whether the proxy is in the same namespace; rules scoped by sourceLabels make further
/// variants. Each variant is built once and shared by every proxy that sees it.
/// </summary>
internal sealed class HostEntry
{
    // Created on first use: most hosts are only ever seen unscoped from other namespaces.
    private ConcurrentDictionary<(bool SameNamespace, string Matched), HashedVirtualHost>? _variants;
    private readonly string[] _domainsOtherNamespace;

    /// <param name="previous">The entry of the same host in the previous compile, if any: when it was built from
    /// equal inputs, its variants are taken over instead of built and hashed again (see <see cref="SameInputs"/>).</param>
    public HostEntry(MeshService service, string source, IReadOnlyList<RouteTemplate> routes, SelectorTable selectors, HostEntry? previous = null)
    {
        Service = service;
        Source = source;
        Routes = routes;
        Selectors = selectors;

        // Taken-over templates of the same Service object: the spellings and selector ids are the previous entry's.
        var sameTemplates = previous is not null && ReferenceEquals(service.Service, previous.Service.Service) &&
            ReferenceEquals(routes, previous.Routes) && ReferenceEquals(selectors, previous.Selectors);
        SelectorIds = sameTemplates ? previous!.SelectorIds : [.. routes.SelectMany(r => r.BlockSelectors).Where(id => id >= 0).Distinct().Order()];
        _domainsOtherNamespace = sameTemplates ? previous!._domainsOtherNamespace : Domains(service, sameNamespace: false);
        if (previous is not null && SameInputs(previous))
        {
            Reused = true;
            _variants = LazyInitializer.EnsureInitialized(ref previous._variants);
            Unscoped = previous.Unscoped;
        }
        else
        {
            Unscoped = Variant(sameNamespace: false, []);
        }
    }

    public MeshService Service { get; }

    /// <summary>Took over the previous entry's variants: every variant is the same object as there.</summary>
    public bool Reused { get; }

    /// <summary>"NAMESPACE/NAME" of the VirtualService, or empty for the default route.</summary>
    public string Source { get; }

    public IReadOnlyList<RouteTemplate> Routes { get; }

    /// <summary>The compile's selectors, which <see cref="SelectorIds"/> number.</summary>
    public SelectorTable Selectors { get; }

    /// <summary>The sourceLabels selectors this host's rules depend on, ascending.</summary>
    public int[] SelectorIds { get; }

    /// <summary>The virtual host most proxies (those outside its namespace, without matching selectors) see.</summary>
    public HashedVirtualHost Unscoped { get; }

    /// <summary>The virtual host for a proxy in (or outside) the host's namespace that matched <paramref name="matched"/>.</summary>
    public HashedVirtualHost For(bool sameNamespace, int[] matched)
    {
        var relevant = SelectorIds.Length == 0 ? [] : matched.Intersect(SelectorIds).ToArray();
        if (relevant.Length == 0 && !sameNamespace)
        {
            return Unscoped;
        }

        var variants = LazyInitializer.EnsureInitialized(ref _variants);
        return variants.GetOrAdd((sameNamespace, string.Join(",", relevant)), key => Variant(key.SameNamespace, relevant));
    }

    // Whether every variant of this entry equals that of previous: the same spellings of the host, the same route
    // messages, and selector ids that name the same selectors in both compiles (variants are keyed by those ids).
    // Comparing the messages is far cheaper than encoding and hashing the variants again.
    private bool SameInputs(HostEntry previous)
    {
        if (!string.Equals(Source, previous.Source, StringComparison.Ordinal) ||
            !_domainsOtherNamespace.AsSpan().SequenceEqual(previous._domainsOtherNamespace) ||
            !string.Equals(Service.Name, previous.Service.Name, StringComparison.Ordinal) ||
            !SelectorIds.AsSpan().SequenceEqual(previous.SelectorIds) ||
            Routes.Count != previous.Routes.Count)
        {
            return false;
        }

        // Templates taken over with the selector table that numbers them (see RouteTables) are equal by identity.
        if (ReferenceEquals(Routes, previous.Routes) && ReferenceEquals(Selectors, previous.Selectors))
        {
            return true;
        }

        foreach (var id in SelectorIds)
        {
            if (!string.Equals(Selectors.KeyOf(id), previous.Selectors.KeyOf(id), StringComparison.Ordinal))
            {
                return false;
            }
        }

        for (var i = 0; i < Routes.Count; i++)
        {
            if (!Routes[i].BlockSelectors.SequenceEqual(previous.Routes[i].BlockSelectors) || !Routes[i].Route.Equals(previous.Routes[i].Route))
            {
                return false;
            }
        }

        return true;
    }

    private HashedVirtualHost Variant(bool sameNamespace, int[] matched)
    {
        var host = new VirtualHost { Name = Service.Fqdn, Source = Source };
        host.Domains.AddRange(sameNamespace ? Domains(Service, sameNamespace: true) : _domainsOtherNamespace);
        foreach (var template in Routes)
        {
            if (template.For(matched) is { } route)
            {
                host.Routes.Add(route);
            }
        }

        // Hashing needs the serialization anyway; keeping it as ProxyConfig's field lets every proxy that sees this
        // variant write it without serializing it again.
        var field = FieldEncoding.Encode(ProxyConfig.VirtualHostsFieldNumber, host, out var prefixLength);
        return new HashedVirtualHost(host, SHA256.HashData(field.AsSpan(prefixLength)), field);
    }

    // Every spelling, each bare (Host without a port) and with each service port.
    private static string[] Domains(MeshService service, bool sameNamespace)
    {
        var names = new List<string>();
        if (sameNamespace)
        {
            names.Add(service.Name);
        }

        names.Add($"{service.Name}.{service.Namespace}");
        names.Add($"{service.Name}.{service.Namespace}.svc");
        names.Add(service.Fqdn);
        if (service.ClusterIp is { } ip)
        {
            names.Add(ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]" : ip);
        }

        var domains = new string[names.Count * (service.Ports.Count + 1)];
        var next = 0;
        foreach (var name in names)
        {
            domains[next++] = name;
            foreach (var port in service.Ports)
            {
                domains[next++] = $"{name}:{port.Port}";
            }
        }

        return domains;
    }
}

/// <summary>A virtual host, the hash of its serialization, and its encoding as field 1 of ProxyConfig.</summary>
internal sealed record HashedVirtualHost(VirtualHost Host, byte[] Hash, byte[] Field);
