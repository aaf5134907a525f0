using Mesh.Api.V1;

namespace Mesh.Proxy.Authorization;

/// <summary>One <c>from</c> entry: every field present must match.</summary>
internal sealed class SourceMatcher
{
    private readonly StringCondition? _principals;
    private readonly StringCondition? _namespaces;

    public SourceMatcher(AuthorizationSource source)
    {
        _principals = StringCondition.Create(source.Principals, source.NotPrincipals);
        _namespaces = StringCondition.Create(source.Namespaces, source.NotNamespaces);
    }

    public bool Matches(in AuthorizationRequest request) =>
        (_principals is null || _principals.Matches(request.Peer?.Principal)) &&
        (_namespaces is null || _namespaces.Matches(request.Peer?.Namespace));
}
