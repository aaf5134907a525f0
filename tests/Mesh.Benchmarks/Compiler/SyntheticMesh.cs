using Mesh.Api.V1;
using Mesh.Kubernetes.Models;
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
        var objects = new List<IKubernetesObject>();
        for (var i = 0; i < services; i++)
        {
            var ns = $"ns-{i % namespaces}";
            var name = $"svc-{i}";
            objects.Add(new Service
            {
                Metadata = new ObjectMeta { Name = name, Namespace = ns },
                Spec = new ServiceSpec
                {
                    Selector = new() { ["app"] = name },
                    Ports = [new ServicePort { Name = "http", Port = 8080 }],
                },
            });
            objects.Add(new DestinationRule
            {
                Metadata = new ObjectMeta { Name = name, Namespace = ns },
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
                Metadata = new ObjectMeta { Name = name, Namespace = ns },
                Spec = new VirtualServiceSpec { Hosts = [name], Http = rules },
            });
            foreach (var version in new[] { "v1", "v2" })
            {
                objects.Add(new WorkloadEntry
                {
                    Metadata = new ObjectMeta { Name = $"{name}-{version}", Namespace = ns },
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

    public static List<Node> Proxies(MeshSnapshot snapshot) =>
        [.. snapshot.WorkloadEntries.Select(entry =>
        {
            var node = new Node
            {
                Id = $"{entry.Metadata.Namespace}/{entry.Metadata.Name}",
                Namespace = entry.Metadata.Namespace,
                ServiceAccount = entry.Spec.ServiceAccount,
            };
            node.Labels.Add(entry.Spec.Labels);
            return node;
        })];
}
