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
        where T : class, IKubernetesObject
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
    /// Asks the API server who <paramref name="token"/> belongs to (a TokenReview create; needs RBAC
    /// <c>create</c> on <c>tokenreviews.authentication.k8s.io</c>). An invalid token is not an error: the returned
    /// status says <c>authenticated: false</c>.
    /// </summary>
    public static async Task<TokenReviewStatus> ReviewTokenAsync(
        this IKubernetesClient client,
        string token,
        IReadOnlyList<string>? audiences,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(token);
        var review = new TokenReview { Spec = new TokenReviewSpec { Token = token, Audiences = audiences?.ToList() } };
        var answered = await client.CreateAsync(ResourceType.TokenReview, review, cancellationToken);
        return answered.Status ?? new TokenReviewStatus { Authenticated = false, Error = "the API server returned no status" };
    }
}
