using Grpc.Core;

namespace Mesh.Operator.Identity;

/// <summary>The token of an <c>authorization: Bearer TOKEN</c> metadata entry.</summary>
internal static class BearerToken
{
    public static string From(Metadata headers)
    {
        var value = headers.GetValue("authorization");
        if (value is null)
        {
            throw new WorkloadAuthenticationException("no authorization metadata: send 'authorization: Bearer TOKEN'");
        }

        const string Scheme = "Bearer ";
        var token = value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? value[Scheme.Length..].Trim() : "";
        return token.Length > 0
            ? token
            : throw new WorkloadAuthenticationException("the authorization metadata is not 'Bearer TOKEN'");
    }
}
