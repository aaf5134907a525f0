using Mesh.Proxy.Authorization;
using Mesh.Proxy.RateLimiting;
using Mesh.Testing;
using static Mesh.Proxy.Tests.Authorization.PolicyBuilder;

namespace Mesh.Proxy.Tests.Authorization;

/// <summary>The per-request work of authorization and rate limiting allocates nothing once the config is compiled.</summary>
public sealed class AuthorizationAllocationTests
{
    [Fact]
    public void Evaluating_policies_and_taking_tokens_allocates_nothing()
    {
        var engine = AuthorizationCompiler.Compile(Policies(
            Deny("ns/deny", Rule(from: [From(notNamespaces: ["shop"])], to: [To(paths: ["/admin*"])])),
            Allow("ns/allow", Rule(from: [From(principals: ["cluster.local/ns/shop/*"])], to: [To(methods: ["GET"], ports: [9080], notPaths: ["*.png"])]))));
        var peer = new PeerIdentityCache().Resolve(PeerCertificates.Workload("cluster.local/ns/shop/sa/frontend"));
        var time = new ManualTimeProvider();
        var bucket = new TokenBucket("ns/limit", 1000, 10_000, time.TimestampFrequency, time.GetTimestamp());
        var allowed = new AuthorizationRequest(peer, "GET", "/items", 9080);
        var denied = new AuthorizationRequest(null, "GET", "/admin/x", 9080);
        Run(engine, bucket, allowed, denied, time.GetTimestamp());

        var before = GC.GetAllocatedBytesForCurrentThread();
        var decisions = Run(engine, bucket, allowed, denied, time.GetTimestamp());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(1_000, decisions);
    }

    private static int Run(AuthorizationEngine engine, TokenBucket bucket, AuthorizationRequest allowed, AuthorizationRequest denied, long now)
    {
        var allowedCount = 0;
        for (var i = 0; i < 1_000; i++)
        {
            allowedCount += engine.Evaluate(allowed).IsAllowed && !engine.Evaluate(denied).IsAllowed ? 1 : 0;
            bucket.TryTake(now, out _);
        }

        return allowedCount;
    }
}
