using k8s;
using k8s.Autorest;
using k8s.Models;
using Mesh.Kubernetes.Models;

namespace Mesh.Kubernetes.Client;

/// <summary>Conveniences over <see cref="IKubernetesClient"/>.</summary>
public static class KubernetesClientExtensions
{
    /// <summary>
    /// Lists every page (following continue tokens, <see cref="ListOptions.Limit"/> objects at a time). The result's
    /// resourceVersion is the first page's: every later page is served from that snapshot, so watch from it.
    /// An expired continue token fails with a 410 <see cref="KubernetesException"/>: list again.
    /// </summary>
    public static async Task<ObjectList<T>> ListAllAsync<T>(
        this IKubernetesClient client,
        ResourceType type,
        string? @namespace,
        ListOptions? options,
        CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(client);
        var items = new List<T>();
        string? version = null;
        var next = options ?? new ListOptions();
        while (true)
        {
            var page = await client.ListAsync<T>(type, @namespace, next, cancellationToken);
            items.AddRange(page.Items);
            version ??= page.ResourceVersion;
            if (page.Continue is null)
            {
                return new ObjectList<T>(items, version, null);
            }

            // The continue token carries the snapshot; a resourceVersion beside it is an error for the server.
            next = next with { Continue = page.Continue, ResourceVersion = null };
        }
    }

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
