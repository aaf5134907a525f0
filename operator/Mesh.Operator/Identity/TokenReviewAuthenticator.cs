using Grpc.Core;
using Mesh.Kubernetes.Client;

namespace Mesh.Operator.Identity;

/// <summary>
/// Kube mode: the caller's service-account token, checked by the API server (TokenReview). The identity is the
/// token's service account, whatever the proxy claims elsewhere.
/// </summary>
internal sealed class TokenReviewAuthenticator(IKubernetesClient client) : IWorkloadAuthenticator
{
    public async Task<WorkloadIdentity> AuthenticateAsync(Metadata headers, CancellationToken cancellationToken)
    {
        var token = BearerToken.From(headers);
        var status = await client.ReviewTokenAsync(token, audiences: null, cancellationToken);
        if (status.Authenticated != true)
        {
            throw new WorkloadAuthenticationException("the token was rejected by the Kubernetes API server");
        }

        return WorkloadIdentity.FromServiceAccountUser(status.User?.Username)
            ?? throw new WorkloadAuthenticationException($"'{status.User?.Username}' is not a service account; only workloads get certificates");
    }
}
