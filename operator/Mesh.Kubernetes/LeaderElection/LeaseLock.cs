using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Models;

namespace Mesh.Kubernetes.LeaderElection;

/// <summary>Reads and writes the Lease record; every write is conditional on the resourceVersion read.</summary>
internal sealed class LeaseLock(IKubernetesClient client, string @namespace, string name)
{
    public string Namespace => @namespace;

    public string Name => name;

    /// <summary>The Lease, or null when it does not exist.</summary>
    public async Task<Lease?> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetAsync<Lease>(ResourceType.Lease, @namespace, name, cancellationToken);
        }
        catch (KubernetesException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    public Task<Lease> CreateAsync(LeaseSpec spec, CancellationToken cancellationToken)
        => client.CreateAsync(ResourceType.Lease, new Lease { Metadata = new ObjectMeta { Name = name, Namespace = @namespace }, Spec = spec }, cancellationToken);

    /// <summary>Fails with 409 Conflict when the lease changed since <paramref name="read"/> was read.</summary>
    public Task<Lease> UpdateAsync(Lease read, LeaseSpec spec, CancellationToken cancellationToken)
    {
        read.Spec = spec;
        return client.ReplaceAsync(ResourceType.Lease, read, cancellationToken);
    }
}
