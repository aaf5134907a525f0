namespace Mesh.Proxy.Authorization;

/// <summary>The engine's verdict on one request, with the policy that decided it (none when no policy did).</summary>
internal readonly record struct AuthorizationDecision(AuthorizationOutcome Outcome, PolicyMatcher? Policy)
{
    public bool IsAllowed => Outcome is AuthorizationOutcome.Allowed;

    /// <summary>The <c>policy</c> label of the denial metric: the DENY policy, or empty when no ALLOW policy matched.</summary>
    public string PolicyName => Policy?.Name ?? string.Empty;

    /// <summary>Envoy's response code details for a denial.</summary>
    public string DeniedDetails => Policy?.DeniedDetails ?? AccessDeniedResponse.NoPolicyMatchedDetails;
}

internal enum AuthorizationOutcome
{
    /// <summary>No DENY policy matched, and either there is no ALLOW policy or one matched.</summary>
    Allowed,

    /// <summary>A DENY policy matched.</summary>
    DeniedByPolicy,

    /// <summary>ALLOW policies exist and none matched.</summary>
    NoAllowMatched,
}
