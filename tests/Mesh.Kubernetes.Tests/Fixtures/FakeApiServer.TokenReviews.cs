using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Mesh.Kubernetes.Tests.Fixtures;

/// <summary>
/// TokenReview (<c>POST /apis/authentication.k8s.io/v1/tokenreviews</c>): answered from <see cref="Tokens"/> rather
/// than stored, as the real server answers it from its authenticators.
/// </summary>
internal sealed partial class FakeApiServer
{
    private const string TokenReviewPath = "/apis/authentication.k8s.io/v1/tokenreviews";

    /// <summary>The tokens the fake accepts in a TokenReview and the username each authenticates as.</summary>
    public ConcurrentDictionary<string, string> Tokens { get; } = new(StringComparer.Ordinal);

    private bool IsTokenReview(FakeRequest recorded) => recorded.Method == "POST" && recorded.Path == TokenReviewPath;

    private async Task ReviewTokenAsync(HttpContext context)
    {
        var review = await ReadObjectAsync(context.Request);
        if ((review["apiVersion"] as JsonValue)?.GetValue<string>() != "authentication.k8s.io/v1"
            || (review["kind"] as JsonValue)?.GetValue<string>() != "TokenReview")
        {
            throw FakeApiError.BadRequest("the body must be an authentication.k8s.io/v1 TokenReview");
        }

        var token = (review["spec"]?["token"] as JsonValue)?.GetValue<string>();
        var status = new JsonObject { ["authenticated"] = false };
        if (!string.IsNullOrEmpty(token) && Tokens.TryGetValue(token, out var username))
        {
            status = new JsonObject
            {
                ["authenticated"] = true,
                ["user"] = new JsonObject
                {
                    ["username"] = username,
                    ["uid"] = Guid.NewGuid().ToString(),
                    ["groups"] = new JsonArray("system:serviceaccounts", "system:authenticated"),
                },
            };
        }
        else if (!string.IsNullOrEmpty(token))
        {
            status["error"] = "[invalid bearer token, token lookup failed]";
        }

        review["status"] = status;
        await WriteJsonAsync(context, 201, review);
    }
}
