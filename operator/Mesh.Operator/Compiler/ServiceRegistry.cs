using System.Globalization;
using k8s;
using k8s.Models;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Compiler;

/// <summary>
/// The services of the mesh by host, with their endpoints: the EndpointSlices of a service when it has any
/// (Kubernetes' own view of its Pods), otherwise the Pods its selector selects; plus, always, the WorkloadEntries
/// of its namespace that its selector selects (Kubernetes makes no EndpointSlices for those).
/// </summary>
internal sealed class ServiceRegistry
{
    /// <summary>The label that ties an EndpointSlice to its Service.</summary>
    private const string ServiceNameLabel = "kubernetes.io/service-name";

    private static readonly Dictionary<string, string> NoLabels = [];
    private readonly Dictionary<string, MeshService> _byHost;
    private HashSet<(string Namespace, IReadOnlyDictionary<string, string> Labels)>? _workloadLabels;

    private ServiceRegistry(Dictionary<string, MeshService> byHost, IReadOnlyList<Workload> workloads)
    {
        _byHost = byHost;
        Workloads = workloads;
        Services = [.. byHost.Values.OrderBy(s => s.Fqdn, StringComparer.Ordinal)];
        ByNamespace = Services.ToLookup(s => s.Namespace, StringComparer.Ordinal);
    }

    /// <summary>Sorted by host.</summary>
    public IReadOnlyList<MeshService> Services { get; }

    /// <summary>The services of each namespace, sorted by host.</summary>
    public ILookup<string, MeshService> ByNamespace { get; }

    /// <summary>Every Pod and valid WorkloadEntry.</summary>
    public IReadOnlyList<Workload> Workloads { get; }

    /// <summary>The distinct label sets of the workloads of each namespace, made on first use.</summary>
    public HashSet<(string Namespace, IReadOnlyDictionary<string, string> Labels)> WorkloadLabels =>
        LazyInitializer.EnsureInitialized(ref _workloadLabels, () => Workloads.Select(w => (w.Namespace, w.Labels)).ToHashSet(NamespacedLabels.Instance));

    /// <summary>
    /// Builds the registry; a Service whose build throws is passed to <paramref name="failed"/> and left out, so that
    /// one odd object cannot stop the compile.
    /// </summary>
    public static ServiceRegistry Build(MeshSnapshot snapshot, IEnumerable<WorkloadEntry> entries, string trustDomain, Action<V1Service, Exception>? failed = null)
    {
        var pods = snapshot.Pods.Select(Workload.FromPod).ToList();
        var entryWorkloads = entries.Select(Workload.FromEntry).ToList();
        var podsByNamespace = pods.Where(p => p.Address is not null).ToLookup(p => p.Namespace, StringComparer.Ordinal);
        var entriesByNamespace = entryWorkloads.Where(w => !string.IsNullOrEmpty(w.Address)).ToLookup(w => w.Namespace, StringComparer.Ordinal);
        var podsByName = pods.GroupBy(p => (p.Namespace, p.Name)).ToDictionary(g => g.Key, g => g.First());
        var slicesByService = snapshot.EndpointSlices
            .Where(s => s.Metadata.Labels?.ContainsKey(ServiceNameLabel) == true)
            .GroupBy(s => (s.Metadata.NamespaceProperty ?? "", s.Metadata.Labels![ServiceNameLabel]))
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.Metadata.Name, StringComparer.Ordinal).ToList());

        var byHost = new Dictionary<string, MeshService>(StringComparer.Ordinal);
        foreach (var service in ResourceOrder.Sort(snapshot.Services))
        {
            try
            {
                var ns = service.Metadata.NamespaceProperty ?? "";
                var fqdn = HostNames.Fqdn(service.Metadata.Name ?? "", ns);
                var ports = TcpPorts(service.Spec.Ports);
                if (ports.Count == 0 || byHost.ContainsKey(fqdn))
                {
                    continue;
                }

                var meshService = new MeshService(service, fqdn, ports);
                slicesByService.TryGetValue((ns, meshService.Name), out var slices);
                foreach (var port in ports)
                {
                    var endpoints = new List<ServiceEndpoint>();
                    if (service.Spec.Type == "ExternalName" && !string.IsNullOrEmpty(service.Spec.ExternalName))
                    {
                        endpoints.Add(new ServiceEndpoint(service.Spec.ExternalName, port.Port, NoLabels, "", "", false, 0));
                    }
                    else if (slices is not null)
                    {
                        AddSliceEndpoints(endpoints, slices, port, podsByName, trustDomain);
                    }
                    else if (meshService.Selector is { } selector)
                    {
                        foreach (var pod in podsByNamespace[ns].Where(p => LabelSelector.Matches(selector, p.Labels)))
                        {
                            if (PodPort(pod.Pod!, port) is { } target)
                            {
                                endpoints.Add(ToEndpoint(pod, pod.Address!, target, trustDomain));
                            }
                        }
                    }

                    if (meshService.Selector is { } entrySelector)
                    {
                        foreach (var entry in entriesByNamespace[ns].Where(w => LabelSelector.Matches(entrySelector, w.Labels)))
                        {
                            endpoints.Add(ToEndpoint(entry, entry.Address!, EntryPort(entry, port), trustDomain));
                        }
                    }

                    meshService.Endpoints[port.Port] = Ordered(endpoints);
                }

                byHost[fqdn] = meshService;
            }
            catch (Exception ex) when (failed is not null && !CompileFailure.IsFatal(ex))
            {
                failed(service, ex);
            }
        }

        return new ServiceRegistry(byHost, [.. pods, .. entryWorkloads]);
    }

    public MeshService? Find(string fqdn) => _byHost.GetValueOrDefault(fqdn);

    /// <summary>
    /// Resolves a host as written in namespace <paramref name="ns"/>: the service it names, or (for a spelling that is
    /// not a cluster one) the host as written, outside the mesh.
    /// </summary>
    public (string Host, MeshService? Service) Resolve(string host, string ns)
    {
        var fqdn = HostNames.Resolve(host, ns);
        if (_byHost.TryGetValue(fqdn, out var service))
        {
            return (fqdn, service);
        }

        return (HostNames.IsClusterSpelling(host) ? fqdn : host.ToLowerInvariant(), null);
    }

    private static void AddSliceEndpoints(
        List<ServiceEndpoint> endpoints,
        List<V1EndpointSlice> slices,
        V1ServicePort port,
        Dictionary<(string, string), Workload> podsByName,
        string trustDomain)
    {
        foreach (var slice in slices)
        {
            var slicePort = slice.Ports?.FirstOrDefault(p => (p.Name ?? "") == (port.Name ?? ""));
            if (slicePort?.Port is not { } number)
            {
                continue;
            }

            foreach (var endpoint in slice.Endpoints ?? [])
            {
                if (endpoint.Conditions?.Ready == false)
                {
                    continue;
                }

                Workload? pod = null;
                if (endpoint.TargetRef is { Kind: "Pod", Name: { } podName })
                {
                    podsByName.TryGetValue((endpoint.TargetRef.NamespaceProperty ?? slice.Metadata.NamespaceProperty ?? "", podName), out pod);
                }

                foreach (var address in endpoint.Addresses ?? [])
                {
                    endpoints.Add(pod is null
                        ? new ServiceEndpoint(address, number, NoLabels, "", "", false, 0)
                        : ToEndpoint(pod, address, number, trustDomain));
                }
            }
        }
    }

    // The service's TCP ports by number, the first of any two with one number kept. Written out rather than grouped
    // and ordered with LINQ: this runs per Service on every compile, for one or two ports.
    private static List<V1ServicePort> TcpPorts(IList<V1ServicePort>? declared)
    {
        var ports = new List<V1ServicePort>(declared?.Count ?? 0);
        foreach (var port in declared ?? [])
        {
            if (port.Protocol is null or "TCP" && port.Port is > 0 and <= 65535 && !ports.Exists(p => p.Port == port.Port))
            {
                ports.Add(port);
            }
        }

        ports.Sort(static (a, b) => a.Port.CompareTo(b.Port));
        return ports;
    }

    // One endpoint per address and port (the first found), ordered by address, port and workload.
    private static List<ServiceEndpoint> Ordered(List<ServiceEndpoint> endpoints)
    {
        var distinct = new List<ServiceEndpoint>(endpoints.Count);
        var seen = endpoints.Count > 8 ? new HashSet<(string, int)>() : null;
        foreach (var endpoint in endpoints)
        {
            if (seen?.Add((endpoint.Address, endpoint.Port)) ?? !Contains(distinct, endpoint.Address, endpoint.Port))
            {
                distinct.Add(endpoint);
            }
        }

        // No two left share address and port, so an unstable sort orders them as a stable one would.
        distinct.Sort(static (a, b) =>
            string.CompareOrdinal(a.Address, b.Address) is var c and not 0 ? c
            : a.Port != b.Port ? a.Port.CompareTo(b.Port)
            : string.CompareOrdinal(a.Workload, b.Workload));
        return distinct;
    }

    private static bool Contains(List<ServiceEndpoint> endpoints, string address, int port)
    {
        foreach (var endpoint in endpoints)
        {
            if (endpoint.Port == port && endpoint.Address == address)
            {
                return true;
            }
        }

        return false;
    }

    private static ServiceEndpoint ToEndpoint(Workload workload, string address, int port, string trustDomain) =>
        new(address, port, workload.Labels, workload.Id, workload.Identity(trustDomain), workload.InMesh, workload.Weight, workload.Locality);

    // A named targetPort is looked up among the Pod's container ports, as kube-proxy does.
    private static int? PodPort(V1Pod pod, V1ServicePort port)
    {
        if (port.TargetPort is not { } target)
        {
            return port.Port;
        }

        if (PortNumber(target) is { } number)
        {
            return number;
        }

        return (pod.Spec.Containers ?? [])
            .SelectMany(c => c.Ports ?? [])
            .FirstOrDefault(p => p.Name == target.Value)?.ContainerPort;
    }

    // Istio's rule: the entry's port for the service port's name, else the targetPort, else the service port.
    private static int EntryPort(Workload entry, V1ServicePort port)
    {
        var ports = entry.EntryPorts;
        if (port.Name is { } name && ports?.TryGetValue(name, out var byName) == true)
        {
            return byName;
        }

        if (port.TargetPort is { } target)
        {
            if (PortNumber(target) is > 0 and var number)
            {
                return number;
            }

            if (PortNumber(target) is null && target.Value is { } targetName && ports?.TryGetValue(targetName, out var byTarget) == true)
            {
                return byTarget;
            }
        }

        return port.Port;
    }

    /// <summary>The number of an int-or-string port, or null when it names a container port.</summary>
    private static int? PortNumber(IntOrString port) =>
        int.TryParse(port.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
}

/// <summary>Compares a namespace and label set pair by content.</summary>
file sealed class NamespacedLabels : IEqualityComparer<(string Namespace, IReadOnlyDictionary<string, string> Labels)>
{
    public static NamespacedLabels Instance { get; } = new();

    public bool Equals((string Namespace, IReadOnlyDictionary<string, string> Labels) x, (string Namespace, IReadOnlyDictionary<string, string> Labels) y) =>
        x.Namespace == y.Namespace && LabelSetComparer.Instance.Equals(x.Labels, y.Labels);

    public int GetHashCode((string Namespace, IReadOnlyDictionary<string, string> Labels) obj) =>
        HashCode.Combine(obj.Namespace, LabelSetComparer.Instance.GetHashCode(obj.Labels));
}
