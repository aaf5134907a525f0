using Mesh.Api.V1;

namespace Mesh.Proxy.Authorization;

/// <summary>
/// One rule: some <c>from</c> entry and some <c>to</c> entry must match; a side with no entries is not checked,
/// so an empty rule matches every request.
/// </summary>
internal sealed class RuleMatcher
{
    private readonly SourceMatcher[] _sources;
    private readonly OperationMatcher[] _operations;

    public RuleMatcher(AuthorizationRule rule)
    {
        _sources = new SourceMatcher[rule.From.Count];
        for (var i = 0; i < _sources.Length; i++)
        {
            _sources[i] = new SourceMatcher(rule.From[i]);
        }

        _operations = new OperationMatcher[rule.To.Count];
        for (var i = 0; i < _operations.Length; i++)
        {
            _operations[i] = new OperationMatcher(rule.To[i]);
        }
    }

    public bool Matches(in AuthorizationRequest request) => SourceMatches(request) && OperationMatches(request);

    private bool SourceMatches(in AuthorizationRequest request)
    {
        if (_sources.Length == 0)
        {
            return true;
        }

        for (var i = 0; i < _sources.Length; i++)
        {
            if (_sources[i].Matches(request))
            {
                return true;
            }
        }

        return false;
    }

    private bool OperationMatches(in AuthorizationRequest request)
    {
        if (_operations.Length == 0)
        {
            return true;
        }

        for (var i = 0; i < _operations.Length; i++)
        {
            if (_operations[i].Matches(request))
            {
                return true;
            }
        }

        return false;
    }
}
