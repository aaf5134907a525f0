using Mesh.Api.V1;

namespace Mesh.Proxy.Authorization;

/// <summary>One compiled policy: it matches a request when any of its rules does, so with no rules it matches none.</summary>
internal sealed class PolicyMatcher
{
    private readonly RuleMatcher[] _rules;

    public PolicyMatcher(AuthorizationPolicy policy)
    {
        Name = policy.Name;
        DeniedDetails = $"rbac_access_denied_matched_policy[{policy.Name}]";
        _rules = new RuleMatcher[policy.Rules.Count];
        for (var i = 0; i < _rules.Length; i++)
        {
            _rules[i] = new RuleMatcher(policy.Rules[i]);
        }
    }

    /// <summary>"NAMESPACE/NAME" of the MeshPolicy; the <c>policy</c> label of the denial metric.</summary>
    public string Name { get; }

    /// <summary>Envoy's response code details for a denial by this policy, built once rather than per denied request.</summary>
    public string DeniedDetails { get; }

    public bool Matches(in AuthorizationRequest request)
    {
        for (var i = 0; i < _rules.Length; i++)
        {
            if (_rules[i].Matches(request))
            {
                return true;
            }
        }

        return false;
    }
}
