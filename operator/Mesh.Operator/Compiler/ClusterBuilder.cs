using k8s;
using k8s.Models;
using Mesh.Api.V1;
using Mesh.Operator.Resources;
using Endpoint = Mesh.Api.V1.Endpoint;

namespace Mesh.Operator.Compiler;

/// <summary>Builds the upstream clusters: one per service port, plus one per port and subset of its DestinationRule.</summary>
internal static class ClusterBuilder
{
    private static readonly string[] Http2Protocols = ["grpc", "grpc-web", "http2", "h2c", "kubernetes.io/h2c"];

    /// <param name="credentials">Given for a rule with a workloadSelector, whose tls.credentialName sidecars read.</param>
    public static IEnumerable<Cluster> ForService(MeshService service, DestinationRule? rule, RuleCredentials? credentials = null)
    {
        foreach (var port in service.Ports)
        {
            // One message per endpoint, shared by the service's cluster and its subsets' clusters.
            var endpoints = service.Endpoints[port.Port].Select(e => (e.Labels, Proto: ToProto(e))).ToList();
            var top = rule?.Spec.TrafficPolicy;
            yield return Build(service, port, null, TrafficPolicyCompiler.Resolve(top, null, port.Port), endpoints, credentials);
            foreach (var subset in rule?.Spec.Subsets ?? [])
            {
                yield return Build(service, port, subset, TrafficPolicyCompiler.Resolve(top, subset.TrafficPolicy, port.Port), endpoints, credentials);
            }
        }
    }

    /// <summary>A host outside the mesh, reached by its name.</summary>
    public static Cluster External(string host, int port, DestinationRule? rule, RuleCredentials? credentials = null)
    {
        var cluster = new Cluster
        {
            Name = HostNames.ClusterName(port, null, host),
            ServiceHost = host,
            Port = (uint)port,
        };
        TrafficPolicyCompiler.Apply(cluster, TrafficPolicyCompiler.Resolve(rule?.Spec.TrafficPolicy, null, port), credentials);
        cluster.Endpoints.Add(new Endpoint { Address = host, Port = (uint)port });
        return cluster;
    }

    private static Cluster Build(
        MeshService service,
        V1ServicePort port,
        SubsetSpec? subset,
        TrafficPolicySpec? policy,
        List<(IReadOnlyDictionary<string, string> Labels, Endpoint Proto)> endpoints,
        RuleCredentials? credentials)
    {
        var cluster = new Cluster
        {
            Name = HostNames.ClusterName(port.Port, subset?.Name, service.Fqdn),
            ServiceHost = service.Fqdn,
            Port = (uint)port.Port,
            Subset = subset?.Name ?? "",
            Protocol = IsHttp2(port) ? UpstreamProtocol.Http2 : UpstreamProtocol.Http1,
        };
        TrafficPolicyCompiler.Apply(cluster, policy, credentials);
        foreach (var (labels, proto) in endpoints)
        {
            if (subset is null || LabelSelector.Matches(subset.Labels, labels))
            {
                cluster.Endpoints.Add(proto);
            }
        }

        return cluster;
    }

    private static Endpoint ToProto(ServiceEndpoint endpoint)
    {
        var proto = new Endpoint
        {
            Address = endpoint.Address,
            Port = (uint)endpoint.Port,
            Weight = (uint)endpoint.Weight,
            Workload = endpoint.Workload,
            Identity = endpoint.Identity,
            InMesh = endpoint.InMesh,
            Locality = endpoint.Locality,
        };
        // Sorted keys without LINQ's ordering machinery: this runs per endpoint on every compile.
        var keys = new string[endpoint.Labels.Count];
        var i = 0;
        foreach (var (key, _) in endpoint.Labels)
        {
            keys[i++] = key;
        }

        Array.Sort(keys, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            proto.Labels.Add(key, endpoint.Labels[key]);
        }

        return proto;
    }

    private static bool IsHttp2(V1ServicePort port)
    {
        if (port.AppProtocol is { } appProtocol)
        {
            return Array.Exists(Http2Protocols, p => appProtocol.Equals(p, StringComparison.OrdinalIgnoreCase));
        }

        // A port named for its protocol, bare or with a suffix: "grpc", "grpc-api".
        var name = port.Name ?? "";
        foreach (var protocol in Http2Protocols)
        {
            if (name.StartsWith(protocol, StringComparison.OrdinalIgnoreCase) &&
                (name.Length == protocol.Length || name[protocol.Length] == '-'))
            {
                return true;
            }
        }

        return false;
    }
}
