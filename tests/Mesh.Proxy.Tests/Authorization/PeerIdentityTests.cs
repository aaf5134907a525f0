using Mesh.Proxy.Authorization;

namespace Mesh.Proxy.Tests.Authorization;

public sealed class PeerIdentityTests
{
    [Fact]
    public void Principal_is_the_spiffe_uri_san_without_its_scheme_and_namespace_its_ns_segment()
    {
        var peer = new PeerIdentityCache().Resolve(PeerCertificates.Workload("cluster.local/ns/shop/sa/frontend"));

        Assert.NotNull(peer);
        Assert.Equal("cluster.local/ns/shop/sa/frontend", peer.Principal);
        Assert.Equal("shop", peer.Namespace);
    }

    [Fact]
    public void A_certificate_without_a_spiffe_uri_gives_no_identity()
    {
        using var certificate = PeerCertificates.Create(san =>
        {
            san.AddDnsName("reviews.default.svc");
            san.AddUri(new Uri("https://example.com/ns/default/sa/x"));
        });

        Assert.Null(new PeerIdentityCache().Resolve(certificate));
    }

    [Fact]
    public void A_plaintext_connection_has_no_identity() => Assert.Null(new PeerIdentityCache().Resolve(null));

    [Fact]
    public void The_first_spiffe_uri_wins_over_later_ones()
    {
        using var certificate = PeerCertificates.Create(san =>
        {
            san.AddUri(new Uri("urn:example:other"));
            san.AddUri(new Uri("spiffe://td.example/ns/a/sa/one"));
            san.AddUri(new Uri("spiffe://td.example/ns/b/sa/two"));
        });

        Assert.Equal("td.example/ns/a/sa/one", new PeerIdentityCache().Resolve(certificate)?.Principal);
    }

    [Theory]
    [InlineData("cluster.local/ns/shop/sa/frontend", "shop")]
    [InlineData("cluster.local/sa/frontend", null)]
    [InlineData("cluster.local/ns/", null)]
    [InlineData("cluster.local/ns/shop", null)]
    public void Namespace_is_taken_as_Istio_matches_it(string principal, string? expected) =>
        Assert.Equal(expected, new PeerIdentity(principal).Namespace);

    [Fact]
    public void The_same_certificate_is_parsed_once()
    {
        var cache = new PeerIdentityCache();
        var certificate = PeerCertificates.Workload("cluster.local/ns/ops/sa/admin");

        Assert.Same(cache.Resolve(certificate), cache.Resolve(certificate));
    }
}
