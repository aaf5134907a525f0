using Mesh.Api.V1;

namespace Mesh.Proxy.Authorization;

/// <summary>One <c>to</c> entry: every field present must match. Ports are exact only, as in Istio.</summary>
internal sealed class OperationMatcher
{
    private readonly StringCondition? _paths;
    private readonly StringCondition? _methods;
    private readonly uint[] _ports;

    public OperationMatcher(AuthorizationOperation operation)
    {
        _paths = StringCondition.Create(operation.Paths, operation.NotPaths);
        _methods = StringCondition.Create(operation.Methods, operation.NotMethods);
        _ports = [.. operation.Ports];
    }

    public bool Matches(in AuthorizationRequest request) =>
        (_paths is null || _paths.Matches(request.Path)) &&
        (_methods is null || _methods.Matches(request.Method)) &&
        (_ports.Length == 0 || Array.IndexOf(_ports, (uint)request.Port) >= 0);
}
