namespace Mesh.Operator.Identity;

/// <summary>How kube mode remembers TokenReview answers, so a reconnecting proxy does not cost an API call.</summary>
public sealed class TokenReviewCacheOptions
{
    /// <summary>
    /// How long an accepted token is trusted without asking again, and never past the token's own expiry (its
    /// <c>exp</c>). Default 1 min: a deleted pod's token stops opening streams within a minute, as the API server's
    /// own webhook token cache does at its default of 2 min.
    /// </summary>
    public TimeSpan AcceptedFor { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a rejected token is answered from the cache. Short, so that a token that was not valid yet (a clock
    /// skew, a just-created service account) soon gets another review; long enough that a caller retrying a bad token
    /// in a loop costs the API server one review per period. Default 5 s.
    /// </summary>
    public TimeSpan RejectedFor { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most answers kept; when full, expired ones are dropped and a new answer is not cached if none were.
    /// Default 20,000 (one per stream the operator holds by default), a few MiB.</summary>
    public int MaxEntries { get; set; } = 20_000;
}
