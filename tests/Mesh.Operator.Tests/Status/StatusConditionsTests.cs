using k8s.Models;
using Mesh.Operator.StatusWriting;

namespace Mesh.Operator.Tests.StatusWriting;

public sealed class StatusConditionsTests
{
    private static readonly DateTimeOffset Earlier = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    [Fact]
    public void Stamp_KeepsTheTransitionTimeWhileTheStatusHolds_AndUsesNowWhenItFlips()
    {
        V1Condition[] existing = [Make("Accepted", "True", Earlier), Make("ResolvedRefs", "True", Earlier)];
        V1Condition[] desired = [Make("Accepted", "True", null, generation: 2), Make("ResolvedRefs", "False", null, generation: 2)];

        var stamped = StatusConditions.Stamp(desired, existing, Now);

        Assert.Equal(Earlier.UtcDateTime, stamped[0].LastTransitionTime);
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), stamped[1].LastTransitionTime);
        Assert.Equal([2L, 2L], stamped.Select(c => c.ObservedGeneration!.Value));
    }

    [Fact]
    public void Stamp_UsesNowForAConditionTheObjectDidNotHave()
    {
        var stamped = StatusConditions.Stamp([Make("Accepted", "False", null)], [], Now);

        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), Assert.Single(stamped).LastTransitionTime);
    }

    [Fact]
    public void SameAs_IgnoresTransitionTimeAndOrder_ButNotReasonMessageOrGeneration()
    {
        V1Condition[] existing = [Make("Accepted", "True", Earlier), Make("ResolvedRefs", "True", Earlier)];

        Assert.True(StatusConditions.SameAs(existing, [Make("ResolvedRefs", "True", null), Make("Accepted", "True", Now)]));
        Assert.False(StatusConditions.SameAs(existing, [Make("Accepted", "True", null)]));
        Assert.False(StatusConditions.SameAs(existing, [Make("Accepted", "True", null, reason: "Other"), Make("ResolvedRefs", "True", null)]));
        Assert.False(StatusConditions.SameAs(existing, [Make("Accepted", "True", null, message: "m"), Make("ResolvedRefs", "True", null)]));
        Assert.False(StatusConditions.SameAs(existing, [Make("Accepted", "True", null, generation: 2), Make("ResolvedRefs", "True", null)]));
    }

    private static V1Condition Make(string type, string status, DateTimeOffset? time, long generation = 1, string? reason = null, string message = "") => new()
    {
        Type = type,
        Status = status,
        Reason = reason ?? type,
        Message = message,
        ObservedGeneration = generation,
        LastTransitionTime = time?.UtcDateTime ?? default,
    };
}
