namespace Mesh.Kubernetes.Models;

/// <summary>
/// <c>authentication.k8s.io/v1</c> TokenReview: a bearer token sent to the API server, which answers (in
/// <see cref="Status"/>) whether it is valid and whose it is. Create-only; nothing is stored.
/// </summary>
public sealed class TokenReview : IKubernetesObject
{
    public string? ApiVersion { get; set; } = "authentication.k8s.io/v1";

    public string? Kind { get; set; } = "TokenReview";

    public ObjectMeta Metadata { get; set; } = new();

    public TokenReviewSpec Spec { get; set; } = new();

    public TokenReviewStatus? Status { get; set; }
}

/// <summary>The token to review and, optionally, the audiences it must be valid for.</summary>
public sealed class TokenReviewSpec
{
    public string? Token { get; set; }

    /// <summary>Null: the API server's own audiences.</summary>
    public List<string>? Audiences { get; set; }
}

/// <summary>The API server's verdict.</summary>
public sealed class TokenReviewStatus
{
    public bool Authenticated { get; set; }

    public TokenReviewUser? User { get; set; }

    public List<string>? Audiences { get; set; }

    /// <summary>Why the token could not be checked (not why it is invalid: that is just Authenticated false).</summary>
    public string? Error { get; set; }
}

/// <summary>Who the token belongs to: a service account is <c>system:serviceaccount:NAMESPACE:NAME</c>.</summary>
public sealed class TokenReviewUser
{
    public string? Username { get; set; }

    public string? Uid { get; set; }

    public List<string>? Groups { get; set; }
}
