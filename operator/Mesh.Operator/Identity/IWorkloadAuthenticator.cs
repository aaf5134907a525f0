using Grpc.Core;

namespace Mesh.Operator.Identity;

/// <summary>Establishes who is calling SignCertificate from the call's metadata.</summary>
internal interface IWorkloadAuthenticator
{
    /// <exception cref="WorkloadAuthenticationException">No valid credential, or it names no workload.</exception>
    Task<WorkloadIdentity> AuthenticateAsync(Metadata headers, CancellationToken cancellationToken);
}
