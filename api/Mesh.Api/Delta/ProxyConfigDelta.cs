using Google.Protobuf.Collections;
using Mesh.Api.V1;

namespace Mesh.Api.Delta;

/// <summary>
/// Applies an incremental <see cref="ConfigResponse"/> (one with <see cref="ConfigResponse.Delta"/>) onto the config it
/// was computed against, by the rules in discovery.proto. Shared by the proxy and the harnesses so that both sides
/// agree on what a delta means.
/// </summary>
public static class ProxyConfigDelta
{
    /// <summary>
    /// The config <paramref name="current"/> becomes. Neither input is changed; the result shares the unchanged
    /// virtual hosts and clusters with <paramref name="current"/>, so it must be treated as immutable like them.
    /// </summary>
    /// <exception cref="FormatException">The delta does not fit <paramref name="current"/>; the message names the field.</exception>
    public static ProxyConfig Apply(ProxyConfig current, ProxyConfig changes, ConfigDelta delta)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(delta);

        var next = new ProxyConfig
        {
            Inbound = changes.Inbound ?? current.Inbound,
            OutboundTrafficPolicy = changes.OutboundTrafficPolicy,
            TrustDomain = changes.TrustDomain,
        };

        // Always carried whole: a delta's list replaces the current one.
        next.TcpListeners.AddRange(changes.TcpListeners);
        Merge(current.VirtualHosts, changes.VirtualHosts, delta.RemovedVirtualHosts, static v => v.Name, next.VirtualHosts, "virtual_hosts");
        Merge(current.Clusters, changes.Clusters, delta.RemovedClusters, static c => c.Name, next.Clusters, "clusters");
        ReplaceEndpoints(next.Clusters, delta.ClusterEndpoints);
        return next;
    }

    /// <summary>The names of the clusters a delta changes in any way (whole, endpoints only, or removed).</summary>
    public static IEnumerable<string> TouchedClusters(ProxyConfig changes, ConfigDelta delta)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(delta);
        return changes.Clusters.Select(c => c.Name).Concat(delta.RemovedClusters).Concat(delta.ClusterEndpoints.Select(e => e.Cluster));
    }

    // A sorted merge: both lists are sorted by name (ordinal), changes replace or insert, removed names are dropped.
    private static void Merge<T>(RepeatedField<T> current, RepeatedField<T> changes, RepeatedField<string> removed, Func<T, string> nameOf, RepeatedField<T> into, string field)
    {
        RequireSorted(changes, nameOf, "config." + field);
        RequireSorted(current, nameOf, "the base config's " + field);
        var removing = new HashSet<string>(StringComparer.Ordinal);
        for (var r = 0; r < removed.Count; r++)
        {
            if (!removing.Add(removed[r]))
            {
                throw new FormatException($"delta.removed_{field}[{r}]: '{removed[r]}' is removed twice");
            }
        }

        var found = 0;
        int i = 0, j = 0;
        while (i < current.Count || j < changes.Count)
        {
            var order = i == current.Count ? 1 : j == changes.Count ? -1 : string.CompareOrdinal(nameOf(current[i]), nameOf(changes[j]));
            if (order < 0)
            {
                if (removing.Contains(nameOf(current[i])))
                {
                    found++;
                }
                else
                {
                    into.Add(current[i]);
                }

                i++;
                continue;
            }

            if (removing.Contains(nameOf(changes[j])))
            {
                throw new FormatException($"config.{field}[{j}]: '{nameOf(changes[j])}' is both changed and removed");
            }

            into.Add(changes[j]);
            i += order == 0 ? 1 : 0;
            j++;
        }

        if (found != removing.Count)
        {
            var missing = removed.First(name => !current.Any(item => nameOf(item) == name));
            throw new FormatException($"delta.removed_{field}: '{missing}' is not in the base config");
        }
    }

    private static void RequireSorted<T>(RepeatedField<T> items, Func<T, string> nameOf, string what)
    {
        for (var k = 1; k < items.Count; k++)
        {
            if (string.CompareOrdinal(nameOf(items[k - 1]), nameOf(items[k])) >= 0)
            {
                throw new FormatException($"{what}[{k}]: '{nameOf(items[k])}' is not after '{nameOf(items[k - 1])}' (names must be sorted and unique for a delta to apply)");
            }
        }
    }

    private static void ReplaceEndpoints(RepeatedField<Cluster> clusters, RepeatedField<ClusterEndpoints> updates)
    {
        for (var u = 0; u < updates.Count; u++)
        {
            var name = updates[u].Cluster;
            var index = BinarySearch(clusters, name);
            if (index < 0)
            {
                throw new FormatException($"delta.cluster_endpoints[{u}].cluster: no cluster '{name}'");
            }

            // The cluster object may be shared with the base config: replace it with a copy, never change it.
            var cluster = clusters[index].Clone();
            cluster.Endpoints.Clear();
            cluster.Endpoints.AddRange(updates[u].Endpoints);
            clusters[index] = cluster;
        }
    }

    private static int BinarySearch(RepeatedField<Cluster> clusters, string name)
    {
        int low = 0, high = clusters.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var order = string.CompareOrdinal(clusters[mid].Name, name);
            if (order == 0)
            {
                return mid;
            }

            (low, high) = order < 0 ? (mid + 1, high) : (low, mid - 1);
        }

        return -1;
    }
}
