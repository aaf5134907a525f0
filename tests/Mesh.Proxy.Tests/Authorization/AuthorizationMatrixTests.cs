using Mesh.Api.V1;
using Mesh.Proxy.Authorization;
using static Mesh.Proxy.Tests.Authorization.PolicyBuilder;

namespace Mesh.Proxy.Tests.Authorization;

/// <summary>
/// The authorization engine against Istio's documented semantics (istio.io AuthorizationPolicy reference and the
/// authorization concept page): DENY before ALLOW, no ALLOW policy means allow, an empty rule matches everything, a
/// policy without rules matches nothing, fields are ANDed and values ORed, <c>not_*</c> excludes, <c>*</c> needs a
/// present value, and a plaintext peer has no principal or namespace. Peers are resolved from real certificates
/// carrying a SPIFFE URI SAN.
/// </summary>
public sealed class AuthorizationMatrixTests
{
    private const string Frontend = "cluster.local/ns/shop/sa/frontend";
    private const string Admin = "cluster.local/ns/ops/sa/admin";
    private const int AppPort = 9080;

    private static readonly Dictionary<string, Case> Cases = new(StringComparer.Ordinal)
    {
        // Evaluation order.
        ["no policies allow every request"] = new(Policies(), null, "DELETE", "/anything", AuthorizationOutcome.Allowed),
        ["an ALLOW policy without rules allows nothing"] = new(Policies(Allow("ns/allow-nothing")), Frontend, "GET", "/", AuthorizationOutcome.NoAllowMatched),
        ["a DENY policy without rules denies nothing"] = new(Policies(Deny("ns/deny-nothing")), null, "GET", "/", AuthorizationOutcome.Allowed),
        ["an empty rule in an ALLOW policy allows everything"] = new(Policies(Allow("ns/allow-all", Rule())), null, "POST", "/x", AuthorizationOutcome.Allowed, "ns/allow-all"),
        ["an empty rule in a DENY policy denies everything"] = new(Policies(Deny("ns/deny-all", Rule()), Allow("ns/allow-all", Rule())), Frontend, "GET", "/", AuthorizationOutcome.DeniedByPolicy, "ns/deny-all"),
        ["DENY wins over a matching ALLOW"] = new(
            Policies(Allow("ns/allow-admin", Rule(to: [To(paths: ["/admin"])])), Deny("ns/deny-admin", Rule(to: [To(paths: ["/admin"])]))),
            Frontend, "GET", "/admin", AuthorizationOutcome.DeniedByPolicy, "ns/deny-admin"),
        ["with only DENY policies a request none matches is allowed"] = new(Policies(Deny("ns/deny-admin", Rule(to: [To(paths: ["/admin"])]))), null, "GET", "/public", AuthorizationOutcome.Allowed),
        ["with ALLOW policies a request none matches is denied"] = new(Policies(Allow("ns/allow-api", Rule(to: [To(paths: ["/api"])]))), null, "GET", "/public", AuthorizationOutcome.NoAllowMatched),
        ["one matching ALLOW policy among several suffices"] = new(
            Policies(Allow("ns/a", Rule(to: [To(paths: ["/a"])])), Allow("ns/b", Rule(to: [To(paths: ["/b"])]))),
            null, "GET", "/b", AuthorizationOutcome.Allowed, "ns/b"),
        ["one matching rule among several suffices"] = new(Policies(Allow("ns/p", Rule(to: [To(paths: ["/a"])]), Rule(to: [To(methods: ["HEAD"])]))), null, "HEAD", "/z", AuthorizationOutcome.Allowed, "ns/p"),

        // Paths: exact, prefix*, *suffix, *, not_paths; case-sensitive.
        ["an exact path matches only itself"] = new(Policies(Allow("ns/p", Rule(to: [To(paths: ["/admin"])]))), null, "GET", "/admin/users", AuthorizationOutcome.NoAllowMatched),
        ["a prefix path matches below it"] = new(Policies(Allow("ns/p", Rule(to: [To(paths: ["/api/*"])]))), null, "GET", "/api/v1/items", AuthorizationOutcome.Allowed, "ns/p"),
        ["a suffix path matches its ending"] = new(Policies(Deny("ns/p", Rule(to: [To(paths: ["*.png"])]))), null, "GET", "/img/logo.png", AuthorizationOutcome.DeniedByPolicy, "ns/p"),
        ["a lone star path matches any path"] = new(Policies(Allow("ns/p", Rule(to: [To(paths: ["*"])]))), null, "GET", "/whatever", AuthorizationOutcome.Allowed, "ns/p"),
        ["not_paths excludes a path the rule would otherwise allow"] = new(Policies(Allow("ns/p", Rule(to: [To(notPaths: ["/private*"])]))), null, "GET", "/private/key", AuthorizationOutcome.NoAllowMatched),
        ["paths are case-sensitive"] = new(Policies(Deny("ns/p", Rule(to: [To(paths: ["/admin"])]))), null, "GET", "/Admin", AuthorizationOutcome.Allowed),

        // Methods and ports.
        ["a method list is an OR"] = new(Policies(Allow("ns/read", Rule(to: [To(methods: ["GET", "HEAD"])]))), null, "HEAD", "/", AuthorizationOutcome.Allowed, "ns/read"),
        ["a method outside the list is not allowed"] = new(Policies(Allow("ns/read", Rule(to: [To(methods: ["GET", "HEAD"])]))), null, "POST", "/", AuthorizationOutcome.NoAllowMatched),
        ["not_methods excludes a method"] = new(Policies(Deny("ns/no-writes", Rule(to: [To(notMethods: ["GET"])]))), null, "PUT", "/", AuthorizationOutcome.DeniedByPolicy, "ns/no-writes"),
        ["a listed port matches the workload port"] = new(Policies(Allow("ns/port", Rule(to: [To(ports: [8080, AppPort])]))), null, "GET", "/", AuthorizationOutcome.Allowed, "ns/port"),
        ["another port does not match"] = new(Policies(Allow("ns/port", Rule(to: [To(ports: [8080])]))), null, "GET", "/", AuthorizationOutcome.NoAllowMatched),

        // Fields of one entry are ANDed, entries ORed, from and to ANDed.
        ["path and method of one operation must both match"] = new(Policies(Allow("ns/p", Rule(to: [To(paths: ["/pay"], methods: ["POST"])]))), null, "GET", "/pay", AuthorizationOutcome.NoAllowMatched),
        ["any operation of a rule may match"] = new(Policies(Allow("ns/p", Rule(to: [To(paths: ["/pay"], methods: ["POST"]), To(methods: ["GET"])]))), null, "GET", "/pay", AuthorizationOutcome.Allowed, "ns/p"),
        ["source and operation of a rule must both match"] = new(
            Policies(Allow("ns/p", Rule(from: [From(principals: [Frontend])], to: [To(methods: ["POST"])]))),
            Frontend, "GET", "/", AuthorizationOutcome.NoAllowMatched),

        // Principals and namespaces come from the verified peer certificate.
        ["an exact principal matches the peer's SPIFFE id"] = new(Policies(Allow("ns/p", Rule(from: [From(principals: [Frontend])]))), Frontend, "GET", "/", AuthorizationOutcome.Allowed, "ns/p"),
        ["another principal does not match"] = new(Policies(Allow("ns/p", Rule(from: [From(principals: [Frontend])]))), Admin, "GET", "/", AuthorizationOutcome.NoAllowMatched),
        ["a suffix principal matches a service account in any namespace"] = new(Policies(Allow("ns/p", Rule(from: [From(principals: ["*/sa/admin"])]))), Admin, "GET", "/", AuthorizationOutcome.Allowed, "ns/p"),
        ["a prefix principal matches a trust domain's namespace"] = new(Policies(Allow("ns/p", Rule(from: [From(principals: ["cluster.local/ns/shop/*"])]))), Frontend, "GET", "/", AuthorizationOutcome.Allowed, "ns/p"),
        ["a plaintext peer matches no principal"] = new(Policies(Allow("ns/p", Rule(from: [From(principals: [Frontend])]))), null, "GET", "/", AuthorizationOutcome.NoAllowMatched),
        ["a star principal requires an authenticated peer"] = new(Policies(Allow("ns/mtls-only", Rule(from: [From(principals: ["*"])]))), null, "GET", "/", AuthorizationOutcome.NoAllowMatched),
        ["a star principal admits any authenticated peer"] = new(Policies(Allow("ns/mtls-only", Rule(from: [From(principals: ["*"])]))), Admin, "GET", "/", AuthorizationOutcome.Allowed, "ns/mtls-only"),
        ["DENY not_principals star rejects plaintext"] = new(Policies(Deny("ns/require-mtls", Rule(from: [From(notPrincipals: ["*"])]))), null, "GET", "/", AuthorizationOutcome.DeniedByPolicy, "ns/require-mtls"),
        ["DENY not_principals star lets an authenticated peer through"] = new(Policies(Deny("ns/require-mtls", Rule(from: [From(notPrincipals: ["*"])]))), Frontend, "GET", "/", AuthorizationOutcome.Allowed),
        ["a namespace matches the ns segment of the principal"] = new(Policies(Allow("ns/p", Rule(from: [From(namespaces: ["shop"])]))), Frontend, "GET", "/", AuthorizationOutcome.Allowed, "ns/p"),
        ["a namespace does not match a peer from another namespace"] = new(Policies(Allow("ns/p", Rule(from: [From(namespaces: ["shop"])]))), Admin, "GET", "/", AuthorizationOutcome.NoAllowMatched),
        ["DENY not_namespaces rejects a plaintext peer, which has no namespace"] = new(Policies(Deny("ns/only-shop", Rule(from: [From(notNamespaces: ["shop"])]))), null, "GET", "/", AuthorizationOutcome.DeniedByPolicy, "ns/only-shop"),
        ["DENY not_namespaces lets the listed namespace through"] = new(Policies(Deny("ns/only-shop", Rule(from: [From(notNamespaces: ["shop"])]))), Frontend, "GET", "/", AuthorizationOutcome.Allowed),
        ["principal and namespace of one source must both match"] = new(Policies(Allow("ns/p", Rule(from: [From(principals: [Admin], namespaces: ["shop"])]))), Admin, "GET", "/", AuthorizationOutcome.NoAllowMatched),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Request_gets_the_decision_Istio_documents(string name)
    {
        var testCase = Cases[name];
        var engine = AuthorizationCompiler.Compile(testCase.Config);
        var peer = testCase.Principal is null ? null : new PeerIdentityCache().Resolve(PeerCertificates.Workload(testCase.Principal));

        var decision = engine.Evaluate(new AuthorizationRequest(peer, testCase.Method, testCase.Path, AppPort));

        Assert.Equal(testCase.Expected, decision.Outcome);
        Assert.Equal(testCase.DecidingPolicy, decision.Policy?.Name);
    }

    [Fact]
    public void Matrix_has_at_least_twenty_cases_and_every_outcome()
    {
        Assert.True(Cases.Count >= 20);
        Assert.All(Enum.GetValues<AuthorizationOutcome>(), outcome => Assert.Contains(Cases.Values, c => c.Expected == outcome));
    }

    private sealed record Case(InboundConfig Config, string? Principal, string Method, string Path, AuthorizationOutcome Expected, string? DecidingPolicy = null);
}
