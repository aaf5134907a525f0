using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Mesh.Kubernetes.Client;

/// <summary>Conveniences over <see cref="IKubernetesClient"/>.</summary>
public static class KubernetesClientExtensions
{
    /// <summary>
    /// Runs a call of KubernetesClient's typed API, its failures translated into <see cref="KubernetesException"/>
    /// (NotFound, Conflict, ... with the API server's Status).
    /// </summary>
    public static async Task<TResult> CallAsync<TResult>(this IKubernetesClient client, Func<IKubernetes, Task<TResult>> call)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call(client.Api);
        }
        catch (HttpOperationException e)
        {
            throw ApiErrors.From(e);
        }
    }

    /// <summary>
    /// Asks the API server who <paramref name="token"/> belongs to (a TokenReview create; needs RBAC
    /// <c>create</c> on <c>tokenreviews.authentication.k8s.io</c>). An invalid token is not an error: the returned
    /// status says <c>authenticated: false</c>.
    /// </summary>
    public static async Task<V1TokenReviewStatus> ReviewTokenAsync(
        this IKubernetesClient client,
        string token,
        IReadOnlyList<string>? audiences,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(token);
        var review = new V1TokenReview
        {
            // The library sends the object as given: a TokenReview without its type is a 400 for the API server.
            ApiVersion = $"{V1TokenReview.KubeGroup}/{V1TokenReview.KubeApiVersion}",
            Kind = V1TokenReview.KubeKind,
            Spec = new V1TokenReviewSpec { Token = token, Audiences = audiences?.ToList() },
        };
        var answered = await client.CallAsync(api => api.AuthenticationV1.CreateTokenReviewAsync(review, cancellationToken: cancellationToken));
        return answered.Status ?? new V1TokenReviewStatus { Authenticated = false, Error = "the API server returned no status" };
    }
}
