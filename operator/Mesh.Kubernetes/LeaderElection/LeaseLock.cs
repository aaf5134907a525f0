using k8s;
using k8s.LeaderElection;
using k8s.Models;

namespace Mesh.Kubernetes.LeaderElection;

/// <summary>
/// KubernetesClient's <see cref="k8s.LeaderElection.ResourceLock.LeaseLock"/>, reading a Lease that names no holder
/// (or has no spec, acquireTime or renewTime) as free. The library's elector would otherwise try to create such a
/// Lease, get 409 AlreadyExists and never lead; client-go takes it. Such Leases exist: <c>kubectl create</c> without
/// a spec, or a release that removes holderIdentity instead of emptying it (as this project's elector before
/// KubernetesClient's did).
/// </summary>
internal sealed class LeaseLock(IKubernetes client, string @namespace, string name, string identity)
    : k8s.LeaderElection.ResourceLock.LeaseLock(client, @namespace, name, identity)
{
    protected override LeaderElectionRecord GetLeaderElectionRecord(V1Lease obj)
    {
        if (obj is null)
        {
            return null!;
        }

        var spec = obj.Spec ?? new V1LeaseSpec();
        return new LeaderElectionRecord
        {
            HolderIdentity = spec.HolderIdentity ?? "",
            LeaseDurationSeconds = spec.LeaseDurationSeconds ?? 15,
            AcquireTime = spec.AcquireTime ?? DateTime.MinValue,
            RenewTime = spec.RenewTime ?? DateTime.MinValue,
            LeaderTransitions = spec.LeaseTransitions ?? 0,
        };
    }
}
