namespace Mesh.Operator.Compiler;

/// <summary>
/// What a compile reads of a <see cref="ServiceRegistry"/> beyond the endpoints' addresses and ports, compared between
/// two registries: when it is the same, the route templates and the reference checks of an earlier compile still hold
/// (an endpoint that moved, a pod replaced by one like it, change none of it).
/// </summary>
internal static class RegistryView
{
    // Above this many endpoints a service's label sets are looked up in a set rather than by a scan.
    private const int ScanLimit = 8;

    /// <summary>
    /// Whether both have the same services (hosts, in order) with the same ports (number, name, appProtocol): what route
    /// templates read of the registry (whether a destination is in the mesh, its ports, which ports are opaque or TLS),
    /// and what reference checks read of a service besides its endpoints' labels.
    /// </summary>
    public static bool SameServices(ServiceRegistry a, ServiceRegistry b)
    {
        if (a.Services.Count != b.Services.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Services.Count; i++)
        {
            var (x, y) = (a.Services[i], b.Services[i]);
            if (!ReferenceEquals(x.Service, y.Service) && !(x.Fqdn == y.Fqdn && SamePorts(x, y)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether both (with <see cref="SameServices"/>) answer the label questions of reference checks alike: each
    /// service's endpoints carry the same label sets (a subset that selects none of them), and, when
    /// <paramref name="withWorkloads"/>, the workloads of each namespace do (a selector that selects no workload).
    /// </summary>
    public static bool SameLabels(ServiceRegistry a, ServiceRegistry b, bool withWorkloads)
    {
        for (var i = 0; i < a.Services.Count; i++)
        {
            if (!Covers(a.Services[i], b.Services[i]) || !Covers(b.Services[i], a.Services[i]))
            {
                return false;
            }
        }

        return !withWorkloads || a.WorkloadLabels.SetEquals(b.WorkloadLabels);
    }

    private static bool SamePorts(MeshService a, MeshService b)
    {
        if (a.Ports.Count != b.Ports.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Ports.Count; i++)
        {
            var (x, y) = (a.Ports[i], b.Ports[i]);
            if (x.Port != y.Port || x.Name != y.Name || x.AppProtocol != y.AppProtocol)
            {
                return false;
            }
        }

        return true;
    }

    // Whether every label set among a's endpoints is among b's.
    private static bool Covers(MeshService a, MeshService b)
    {
        HashSet<IReadOnlyDictionary<string, string>>? others = null;
        IReadOnlyDictionary<string, string>? last = null;
        var scan = Count(b) <= ScanLimit;
        foreach (var endpoints in a.Endpoints.Values)
        {
            foreach (var endpoint in endpoints)
            {
                if (ReferenceEquals(endpoint.Labels, last))
                {
                    continue;
                }

                last = endpoint.Labels;
                var found = scan
                    ? Scan(b, last)
                    : (others ??= b.Endpoints.Values.SelectMany(e => e).Select(e => e.Labels).ToHashSet(LabelSetComparer.Instance)).Contains(last);
                if (!found)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static int Count(MeshService service)
    {
        var count = 0;
        foreach (var endpoints in service.Endpoints.Values)
        {
            count += endpoints.Count;
        }

        return count;
    }

    private static bool Scan(MeshService service, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var endpoints in service.Endpoints.Values)
        {
            foreach (var endpoint in endpoints)
            {
                if (LabelSetComparer.Instance.Equals(endpoint.Labels, labels))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
