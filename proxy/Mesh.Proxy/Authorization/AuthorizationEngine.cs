using Mesh.Api.V1;

namespace Mesh.Proxy.Authorization;

/// <summary>
/// The inbound authorization policies of one config, in Istio's order of evaluation: any matching DENY policy
/// denies; with no ALLOW policy the request is allowed; otherwise some ALLOW policy must match. Built once per
/// config by <see cref="AuthorizationCompiler"/>; evaluation allocates nothing.
/// </summary>
internal sealed class AuthorizationEngine
{
    private readonly PolicyMatcher[] _deny;
    private readonly PolicyMatcher[] _allow;

    public AuthorizationEngine(PolicyMatcher[] deny, PolicyMatcher[] allow)
    {
        _deny = deny;
        _allow = allow;
    }

    /// <summary>No policies: every request is allowed.</summary>
    public static AuthorizationEngine AllowAll { get; } = new([], []);

    public AuthorizationDecision Evaluate(in AuthorizationRequest request)
    {
        for (var i = 0; i < _deny.Length; i++)
        {
            if (_deny[i].Matches(request))
            {
                return new AuthorizationDecision(AuthorizationOutcome.DeniedByPolicy, _deny[i]);
            }
        }

        if (_allow.Length == 0)
        {
            return new AuthorizationDecision(AuthorizationOutcome.Allowed, null);
        }

        for (var i = 0; i < _allow.Length; i++)
        {
            if (_allow[i].Matches(request))
            {
                return new AuthorizationDecision(AuthorizationOutcome.Allowed, _allow[i]);
            }
        }

        return new AuthorizationDecision(AuthorizationOutcome.NoAllowMatched, null);
    }
}
