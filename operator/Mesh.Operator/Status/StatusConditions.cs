using k8s;
using k8s.Models;

namespace Mesh.Operator.StatusWriting;

/// <summary>Compares and stamps <c>status.conditions</c> as <c>meta.SetStatusCondition</c> does.</summary>
internal static class StatusConditions
{
    /// <summary>
    /// The conditions to write: <paramref name="desired"/>, each keeping the lastTransitionTime of the existing
    /// condition of its type when its status did not change, and <paramref name="now"/> otherwise.
    /// </summary>
    public static List<V1Condition> Stamp(IReadOnlyList<V1Condition> desired, IReadOnlyList<V1Condition> existing, DateTimeOffset now)
    {
        var stamped = new List<V1Condition>(desired.Count);
        foreach (var condition in desired)
        {
            var previous = existing.FirstOrDefault(c => c.Type == condition.Type);
            stamped.Add(new V1Condition
            {
                Type = condition.Type,
                Status = condition.Status,
                Reason = condition.Reason,
                Message = condition.Message,
                ObservedGeneration = condition.ObservedGeneration,
                LastTransitionTime = previous is not null && previous.Status == condition.Status && previous.LastTransitionTime != default
                    ? previous.LastTransitionTime
                    : TruncateToSeconds(now),
            });
        }

        return stamped;
    }

    /// <summary>True when both say the same, ignoring lastTransitionTime and order.</summary>
    public static bool SameAs(IReadOnlyList<V1Condition> existing, IReadOnlyList<V1Condition> desired) =>
        existing.Count == desired.Count && desired.All(d => existing.Any(e =>
            e.Type == d.Type && e.Status == d.Status && e.Reason == d.Reason && e.Message == d.Message && e.ObservedGeneration == d.ObservedGeneration));

    // metav1.Time has second precision on the wire; a stamp with more would never compare equal after a round trip.
    private static DateTime TruncateToSeconds(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
