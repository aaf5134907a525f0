using System.Security.Cryptography;
using System.Text;
using Grpc.Core;

namespace Mesh.Operator.Identity;

/// <summary>
/// Local mode: one shared bootstrap token, and the identity the caller claims in <c>mesh-namespace</c> and
/// <c>mesh-service-account</c>. This trusts the local machine: anyone who can read the token file can be any
/// workload. It keeps stray processes out; it is not an authentication of workloads (kube mode is).
/// </summary>
internal sealed class BootstrapTokenAuthenticator(string token) : IWorkloadAuthenticator
{
    public const string NamespaceHeader = "mesh-namespace";
    public const string ServiceAccountHeader = "mesh-service-account";

    private readonly byte[] _expected = Encoding.UTF8.GetBytes(token);

    public Task<WorkloadIdentity> AuthenticateAsync(Metadata headers, CancellationToken cancellationToken)
    {
        var presented = Encoding.UTF8.GetBytes(BearerToken.From(headers));
        if (!CryptographicOperations.FixedTimeEquals(presented, _expected))
        {
            throw new WorkloadAuthenticationException("the bootstrap token is not this operator's");
        }

        var identity = WorkloadIdentity.TryCreate(headers.GetValue(NamespaceHeader), headers.GetValue(ServiceAccountHeader), out var error)
            ?? throw new WorkloadAuthenticationException($"the claimed identity ({NamespaceHeader}, {ServiceAccountHeader}) is invalid: {error}");
        return Task.FromResult(identity);
    }
}
