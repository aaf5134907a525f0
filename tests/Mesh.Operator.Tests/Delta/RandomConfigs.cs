using Mesh.Api.V1;

namespace Mesh.Operator.Tests.Delta;

/// <summary>Random proxy configs (virtual hosts, clusters, L4 listeners, inbound) and random edits of them, sorted by name as the compiler writes them.</summary>
internal sealed class RandomConfigs(Random random)
{
    private const int Pool = 12;

    public ProxyConfig Initial()
    {
        var config = new ProxyConfig { TrustDomain = "cluster.local", Inbound = Inbound() };
        for (var i = 0; i < Pool; i++)
        {
            if (random.Next(2) == 0)
            {
                Put(config.VirtualHosts, Host(i), h => h.Name);
                Put(config.Clusters, Cluster(i), c => c.Name);
            }

            if (random.Next(4) == 0)
            {
                Put(config.TcpListeners, Listener(i), l => l.Name);
            }
        }

        return config;
    }

    /// <summary>One to three edits of a copy of <paramref name="current"/>, described for a failure message.</summary>
    public (ProxyConfig Config, string Edits) Edit(ProxyConfig current)
    {
        var next = current.Clone();
        var edits = new List<string>();
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var i = random.Next(Pool);
            switch (random.Next(11))
            {
                case 0:
                    Put(next.VirtualHosts, Host(i), h => h.Name);
                    edits.Add($"host {i} added or replaced");
                    break;
                case 1:
                    edits.Add(Remove(next.VirtualHosts, HostName(i), h => h.Name) ? $"host {i} removed" : "no-op");
                    break;
                case 2:
                    Put(next.Clusters, Cluster(i), c => c.Name);
                    edits.Add($"cluster {i} added or replaced");
                    break;
                case 3:
                    edits.Add(Remove(next.Clusters, ClusterName(i), c => c.Name) ? $"cluster {i} removed" : "no-op");
                    break;
                case 4 when next.Clusters.Count > 0:
                    var cluster = next.Clusters[random.Next(next.Clusters.Count)];
                    cluster.Endpoints.Clear();
                    cluster.Endpoints.AddRange(Endpoints());
                    edits.Add($"endpoints of {cluster.Name}");
                    break;
                case 5:
                    next.Inbound = random.Next(5) == 0 ? null : Inbound();
                    edits.Add($"inbound {(next.Inbound is null ? "dropped" : "changed")}");
                    break;
                case 6:
                    next.TrustDomain = random.Next(2) == 0 ? "cluster.local" : "example.org";
                    next.OutboundTrafficPolicy = (OutboundTrafficPolicy)random.Next(2);
                    edits.Add("scalars");
                    break;
                case 7 when next.VirtualHosts.Count > 0:
                    var host = next.VirtualHosts[random.Next(next.VirtualHosts.Count)];
                    host.Routes[0].Name = "r" + random.Next(3);
                    edits.Add($"route of {host.Name}");
                    break;
                case 8:
                    Put(next.TcpListeners, Listener(i), l => l.Name);
                    edits.Add($"tcp listener {i} added or replaced");
                    break;
                case 9:
                    edits.Add(Remove(next.TcpListeners, ListenerName(i), l => l.Name) ? $"tcp listener {i} removed" : "no-op");
                    break;
                default:
                    edits.Add("no-op");
                    break;
            }
        }

        return (next, string.Join(", ", edits));
    }

    private static string HostName(int i) => $"svc-{i:00}.ns.svc.cluster.local";

    private static string ClusterName(int i) => $"outbound|80||svc-{i:00}.ns.svc.cluster.local";

    private static string ListenerName(int i) => $"svc-{i:00}.ns.svc.cluster.local:9000";

    // An L4 port with a weighted tcp route, sometimes a TLS one matching on SNI, and the catch-all.
    private L4Listener Listener(int i)
    {
        var listener = new L4Listener { Name = ListenerName(i), Port = 9000, Tls = random.Next(2) == 0, Hosts = { $"svc-{i:00}.ns", HostName(i) } };
        var route = new L4Route { Name = "tcp[0]" };
        if (listener.Tls)
        {
            route.Matches.Add(new L4Match { SniHosts = { $"{random.Next(3)}.example.com" } });
        }

        route.Destinations.Add(new WeightedDestination { Cluster = ClusterName(random.Next(Pool)), Weight = (uint)random.Next(1, 100) });
        listener.Routes.Add(route);
        listener.Routes.Add(new L4Route { Name = "default", Destinations = { new WeightedDestination { Cluster = ClusterName(i), Weight = 100 } } });
        return listener;
    }

    private VirtualHost Host(int i) => new()
    {
        Name = HostName(i),
        Domains = { $"svc-{i:00}.ns", HostName(i) },
        Routes =
        {
            new Route
            {
                Name = "r" + random.Next(3),
                Forward = new RouteForward { Destinations = { new WeightedDestination { Cluster = ClusterName(random.Next(Pool)), Weight = (uint)random.Next(1, 100) } } },
            },
        },
    };

    private Cluster Cluster(int i)
    {
        var cluster = new Cluster
        {
            Name = ClusterName(i),
            ServiceHost = HostName(i),
            Port = 80,
            LoadBalancer = new LoadBalancer { Simple = (LoadBalancer.Types.Simple)random.Next(3) },
        };
        cluster.Endpoints.AddRange(Endpoints());
        return cluster;
    }

    private IEnumerable<Endpoint> Endpoints() =>
        Enumerable.Range(0, random.Next(4)).Select(k => new Endpoint
        {
            Address = $"10.0.{random.Next(4)}.{k}",
            Port = 8080,
            Labels = { ["version"] = "v" + random.Next(3) },
        });

    private InboundConfig Inbound() => new()
    {
        MtlsMode = (MtlsMode)random.Next(3),
        RateLimits = { new RateLimit { Name = "ns/limit", RequestsPerSecond = random.Next(1, 5), Burst = 1 } },
    };

    private static void Put<T>(IList<T> items, T item, Func<T, string> nameOf)
    {
        var index = 0;
        while (index < items.Count && string.CompareOrdinal(nameOf(items[index]), nameOf(item)) < 0)
        {
            index++;
        }

        if (index < items.Count && nameOf(items[index]) == nameOf(item))
        {
            items[index] = item;
        }
        else
        {
            items.Insert(index, item);
        }
    }

    private static bool Remove<T>(IList<T> items, string name, Func<T, string> nameOf)
    {
        for (var k = 0; k < items.Count; k++)
        {
            if (nameOf(items[k]) == name)
            {
                items.RemoveAt(k);
                return true;
            }
        }

        return false;
    }
}
