using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Mesh.Kubernetes.Client;
using KubernetesException = Mesh.Kubernetes.Client.KubernetesException;

namespace Mesh.Kubernetes.LeaderElection;

/// <summary>
/// Reads and writes the <see cref="V1Lease"/> record through KubernetesClient's typed API. Every write is a merge
/// patch conditional on the resourceVersion read (409 Conflict when another candidate wrote first), so fields of
/// the Lease this project does not set (strategy, preferredHolder, labels) survive.
/// </summary>
internal sealed class LeaseLock(IKubernetesClient client, string @namespace, string name)
{
    public string Namespace => @namespace;

    public string Name => name;

    /// <summary>The Lease, or null when it does not exist.</summary>
    public async Task<V1Lease?> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await client.CallAsync(api => api.CoordinationV1.ReadNamespacedLeaseAsync(name, @namespace, cancellationToken: cancellationToken));
        }
        catch (KubernetesException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    public Task<V1Lease> CreateAsync(LeaseRecord record, CancellationToken cancellationToken)
    {
        var lease = new V1Lease
        {
            ApiVersion = $"{V1Lease.KubeGroup}/{V1Lease.KubeApiVersion}",
            Kind = V1Lease.KubeKind,
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace },
            Spec = record.ToSpec(),
        };
        return client.CallAsync(api => api.CoordinationV1.CreateNamespacedLeaseAsync(lease, @namespace, cancellationToken: cancellationToken));
    }

    /// <summary>Fails with 409 Conflict when the lease changed since <paramref name="read"/> was read.</summary>
    public Task<V1Lease> UpdateAsync(V1Lease read, LeaseRecord record, CancellationToken cancellationToken)
    {
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = read.Metadata.ResourceVersion },
            ["spec"] = record.ToMergePatch(),
        };
        var body = new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch);
        return client.CallAsync(api => api.CoordinationV1.PatchNamespacedLeaseAsync(body, name, @namespace, cancellationToken: cancellationToken));
    }
}
