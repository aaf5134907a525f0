using System.Globalization;
using System.Text.Json.Nodes;
using k8s.Models;

namespace Mesh.Kubernetes.LeaderElection;

/// <summary>The leader-election fields of a Lease spec this project writes; a null holder releases the lease.</summary>
internal sealed record LeaseRecord(string? HolderIdentity, int LeaseDurationSeconds, DateTimeOffset AcquireTime, DateTimeOffset RenewTime, int LeaseTransitions)
{
    public V1LeaseSpec ToSpec() => new()
    {
        HolderIdentity = HolderIdentity,
        LeaseDurationSeconds = LeaseDurationSeconds,
        AcquireTime = AcquireTime.UtcDateTime,
        RenewTime = RenewTime.UtcDateTime,
        LeaseTransitions = LeaseTransitions,
    };

    /// <summary>The spec as a JSON merge patch: an explicit null removes the holder.</summary>
    public JsonObject ToMergePatch() => new()
    {
        ["holderIdentity"] = HolderIdentity,
        ["leaseDurationSeconds"] = LeaseDurationSeconds,
        ["acquireTime"] = MicroTime(AcquireTime),
        ["renewTime"] = MicroTime(RenewTime),
        ["leaseTransitions"] = LeaseTransitions,
    };

    /// <summary>Kubernetes' MicroTime: RFC 3339 in UTC with microseconds.</summary>
    private static string MicroTime(DateTimeOffset time)
        => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
