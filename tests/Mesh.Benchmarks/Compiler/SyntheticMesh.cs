using k8s;
using k8s.Models;
using Mesh.Api.V1;
using Mesh.Operator.Compiler;
using Mesh.Operator.Resources;

namespace Mesh.Benchmarks.Compiler;

/// <summary>
/// A large mesh for the compiler benchmarks: SERVICES services spread over NAMESPACES namespaces, each with a
/// DestinationRule of 3 subsets, a VirtualService (a header rule to v3, then an 80/20 split; every tenth also has a
/// sourceLabels-scoped rule) and 2 WorkloadEntries (v1, v2), each of which is a proxy.
/// </summary>
internal static class SyntheticMesh
{
    public static MeshSnapshot Create(int services, int namespaces)
    {
        var objects = new List<IKubernetesObject<V1ObjectMeta>>();
        for (var i = 0; i < services; i++)
        {
            var ns = $"ns-{i % namespaces}";
            var name = $"svc-{i}";
            objects.Add(new V1Service
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
                Spec = new V1ServiceSpec
                {
                    Selector = new Dictionary<string, string> { ["app"] = name },
                    Ports = [new V1ServicePort { Name = "http", Port = 8080 }],
                },
            });
            objects.Add(new DestinationRule
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
                Spec = new DestinationRuleSpec
                {
                    Host = name,
                    TrafficPolicy = new TrafficPolicySpec { OutlierDetection = new OutlierDetectionSpec { Consecutive5xxErrors = 3 } },
                    Subsets = [.. new[] { "v1", "v2", "v3" }.Select(v => new SubsetSpec { Name = v, Labels = new() { ["version"] = v } })],
                },
            });
            var rules = new List<HttpRoute>
            {
                new()
                {
                    Name = "tester",
                    Match = [new HttpMatchRequest { Headers = new() { ["end-user"] = new StringMatchSpec { Exact = "tester" } } }],
                    Route = [new HttpRouteDestination { Destination = new Destination { Host = name, Subset = "v3" } }],
                },
                new()
                {
                    Name = "split",
                    Timeout = "2s",
                    Route =
                    [
                        new HttpRouteDestination { Destination = new Destination { Host = name, Subset = "v1" }, Weight = 80 },
                        new HttpRouteDestination { Destination = new Destination { Host = name, Subset = "v2" }, Weight = 20 },
                    ],
                },
            };
            if (i % 10 == 0)
            {
                rules.Insert(0, new HttpRoute
                {
                    Name = "from-canaries",
                    Match = [new HttpMatchRequest { SourceLabels = new() { ["version"] = "v2", ["app"] = $"svc-{(i + 1) % services}" } }],
                    Route = [new HttpRouteDestination { Destination = new Destination { Host = name, Subset = "v2" } }],
                });
            }

            objects.Add(new VirtualService
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
                Spec = new VirtualServiceSpec { Hosts = [name], Http = rules },
            });
            foreach (var version in new[] { "v1", "v2" })
            {
                objects.Add(new WorkloadEntry
                {
                    Metadata = new V1ObjectMeta { Name = $"{name}-{version}", NamespaceProperty = ns },
                    Spec = new WorkloadEntrySpec
                    {
                        Address = $"10.{i / 250}.{i % 250}.{(version == "v1" ? 1 : 2)}",
                        Labels = new() { ["app"] = name, ["version"] = version },
                        ServiceAccount = name,
                    },
                });
            }
        }

        return MeshSnapshot.From(objects);
    }

    /// <summary>
    /// <paramref name="snapshot"/> with the WorkloadEntry at <paramref name="index"/> serving on <paramref name="port"/>
    /// instead: a new object for it, every other object kept, as the sources hand over an endpoint-only change.
    /// </summary>
    public static MeshSnapshot WithEntryPort(MeshSnapshot snapshot, int index, int port)
    {
        var entry = snapshot.WorkloadEntries[index];
        var moved = new WorkloadEntry
        {
            Metadata = new V1ObjectMeta { Name = entry.Metadata.Name, NamespaceProperty = entry.Metadata.NamespaceProperty, Generation = 2 },
            Spec = new WorkloadEntrySpec
            {
                Address = entry.Spec.Address,
                Labels = entry.Spec.Labels,
                ServiceAccount = entry.Spec.ServiceAccount,
                Ports = new() { ["http"] = port },
            },
        };
        return snapshot with { WorkloadEntries = snapshot.WorkloadEntries.SetItem(index, moved) };
    }

    public static List<Node> Proxies(MeshSnapshot snapshot) =>
        [.. snapshot.WorkloadEntries.Select(entry =>
        {
            var node = new Node
            {
                Id = $"{entry.Metadata.NamespaceProperty}/{entry.Metadata.Name}",
                Namespace = entry.Metadata.NamespaceProperty,
                ServiceAccount = entry.Spec.ServiceAccount,
            };
            node.Labels.Add(entry.Spec.Labels);
            return node;
        })];
}
