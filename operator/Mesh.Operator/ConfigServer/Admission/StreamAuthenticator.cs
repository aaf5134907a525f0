using Grpc.Core;
using Mesh.Kubernetes.Client;
using Mesh.Operator.Identity;

namespace Mesh.Operator.ConfigServer.Admission;

/// <summary>
/// Establishes who opened a config stream, with the authenticator that also guards SignCertificate: the bootstrap
/// token plus the claimed identity in local mode, the service-account token reviewed by the API server in kube mode.
/// </summary>
internal sealed class StreamAuthenticator(IWorkloadAuthenticator authenticator)
{
    /// <exception cref="RpcException">UNAUTHENTICATED without a valid credential; UNAVAILABLE when the credential
    /// cannot be checked now (the API server did not answer), so the proxy retries.</exception>
    public async Task<WorkloadIdentity> AuthenticateAsync(ServerCallContext context)
    {
        try
        {
            return await authenticator.AuthenticateAsync(context.RequestHeaders, context.CancellationToken);
        }
        catch (WorkloadAuthenticationException ex)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, ex.Message));
        }
        catch (KubernetesException ex)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"the token could not be reviewed: {ex.Message}"));
        }
    }
}
