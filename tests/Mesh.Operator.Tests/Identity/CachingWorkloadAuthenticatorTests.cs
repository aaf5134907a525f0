using System.Text;
using Grpc.Core;
using Mesh.Operator.Identity;
using Mesh.Testing;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.Tests.Identity;

public sealed class CachingWorkloadAuthenticatorTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly CountingReviewer _reviewer = new();

    [Fact]
    public async Task An_accepted_token_is_reviewed_once_until_AcceptedFor_has_passed()
    {
        var cache = Cache(new TokenReviewCacheOptions { AcceptedFor = TimeSpan.FromMinutes(1) });
        _reviewer.Accept("token-a", "shop", "reviews");

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("shop/reviews", (await cache.AuthenticateAsync(Bearer("token-a"), CancellationToken.None)).ToString());
        }

        Assert.Equal(1, _reviewer.Reviews);
        _time.Advance(TimeSpan.FromSeconds(61));
        await cache.AuthenticateAsync(Bearer("token-a"), CancellationToken.None);
        Assert.Equal(2, _reviewer.Reviews);
    }

    [Fact]
    public async Task An_accepted_token_is_not_trusted_from_the_cache_past_its_own_exp()
    {
        var cache = Cache(new TokenReviewCacheOptions { AcceptedFor = TimeSpan.FromMinutes(10) });
        var token = Jwt(exp: _time.GetUtcNow().AddSeconds(30));
        _reviewer.Accept(token, "shop", "reviews");

        await cache.AuthenticateAsync(Bearer(token), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(29));
        await cache.AuthenticateAsync(Bearer(token), CancellationToken.None);
        Assert.Equal(1, _reviewer.Reviews);

        _time.Advance(TimeSpan.FromSeconds(2));
        _reviewer.Reject(token);
        await Assert.ThrowsAsync<WorkloadAuthenticationException>(() => cache.AuthenticateAsync(Bearer(token), CancellationToken.None));
        Assert.Equal(2, _reviewer.Reviews);
    }

    [Fact]
    public async Task A_rejected_token_is_answered_from_the_cache_only_for_RejectedFor()
    {
        var cache = Cache(new TokenReviewCacheOptions { RejectedFor = TimeSpan.FromSeconds(5) });

        for (var i = 0; i < 3; i++)
        {
            var refused = await Assert.ThrowsAsync<WorkloadAuthenticationException>(() => cache.AuthenticateAsync(Bearer("bad"), CancellationToken.None));
            Assert.Contains("rejected", refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(1, _reviewer.Reviews);
        _time.Advance(TimeSpan.FromSeconds(6));
        _reviewer.Accept("bad", "shop", "reviews");
        Assert.Equal("shop/reviews", (await cache.AuthenticateAsync(Bearer("bad"), CancellationToken.None)).ToString());
        Assert.Equal(2, _reviewer.Reviews);
    }

    [Fact]
    public async Task A_review_that_could_not_be_made_is_not_remembered()
    {
        var cache = Cache(new TokenReviewCacheOptions());
        _reviewer.Fail = true;
        await Assert.ThrowsAsync<Mesh.Kubernetes.Client.KubernetesException>(() => cache.AuthenticateAsync(Bearer("token-a"), CancellationToken.None));

        _reviewer.Fail = false;
        _reviewer.Accept("token-a", "shop", "reviews");
        await cache.AuthenticateAsync(Bearer("token-a"), CancellationToken.None);
        Assert.Equal(2, _reviewer.Reviews);
    }

    [Fact]
    public async Task The_cache_holds_at_most_MaxEntries_and_keys_them_by_hash_never_by_token()
    {
        var cache = Cache(new TokenReviewCacheOptions { MaxEntries = 3 });
        for (var i = 0; i < 10; i++)
        {
            _reviewer.Accept($"token-{i}", "shop", "reviews");
            await cache.AuthenticateAsync(Bearer($"token-{i}"), CancellationToken.None);
        }

        Assert.Equal(3, cache.Count);
        Assert.DoesNotContain(cache.Keys, key => key.Contains("token", StringComparison.Ordinal));
        Assert.All(cache.Keys, key => Assert.Equal(64, key.Length));

        // Once the entries expire, a new answer takes their place.
        _time.Advance(TimeSpan.FromMinutes(2));
        await cache.AuthenticateAsync(Bearer("token-9"), CancellationToken.None);
        Assert.Equal(1, cache.Count);
    }

    private CachingWorkloadAuthenticator Cache(TokenReviewCacheOptions options) => new(_reviewer, _time, Options.Create(options));

    private static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    private static string Jwt(DateTimeOffset exp)
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{Part("""{"alg":"RS256"}""")}.{Part($$"""{"iss":"kubernetes","exp":{{exp.ToUnixTimeSeconds()}},"sub":"x"}""")}.c2ln";
    }

    /// <summary>Stands in for TokenReview: answers from a table and counts the reviews it was asked for.</summary>
    private sealed class CountingReviewer : IWorkloadAuthenticator
    {
        private readonly Dictionary<string, WorkloadIdentity> _accepted = [];

        public int Reviews { get; private set; }

        public bool Fail { get; set; }

        public void Accept(string token, string ns, string sa) => _accepted[token] = WorkloadIdentity.TryCreate(ns, sa, out _)!;

        public void Reject(string token) => _accepted.Remove(token);

        public Task<WorkloadIdentity> AuthenticateAsync(Metadata headers, CancellationToken cancellationToken)
        {
            Reviews++;
            if (Fail)
            {
                throw new Mesh.Kubernetes.Client.KubernetesException(new k8s.Models.V1Status { Code = 503, Message = "the API server did not answer" });
            }

            return _accepted.TryGetValue(BearerToken.From(headers), out var identity)
                ? Task.FromResult(identity)
                : throw new WorkloadAuthenticationException("the token was rejected by the Kubernetes API server");
        }
    }
}
