using Mesh.Proxy.Identity;
using Mesh.Proxy.Tests.Fixtures;

namespace Mesh.Proxy.Tests.Identity;

public sealed class SpiffeIdTests
{
    [Fact]
    public void The_principal_is_the_spiffe_uri_san_without_its_scheme()
    {
        using var ca = new TestCertificateAuthority();
        var certificate = ca.Issue("cluster.local/ns/shop/sa/cart");

        Assert.Equal("cluster.local/ns/shop/sa/cart", SpiffeId.Principal(certificate.Certificate));
    }

    [Fact]
    public void A_certificate_without_a_uri_san_has_no_principal()
    {
        using var ca = new TestCertificateAuthority();

        Assert.Null(SpiffeId.Principal(ca.Root));
    }

    [Theory]
    [InlineData("spiffe://cluster.local/ns/a/sa/b", "cluster.local/ns/a/sa/b")]
    [InlineData("cluster.local/ns/a/sa/b", "cluster.local/ns/a/sa/b")]
    public void Configured_identities_are_compared_without_the_scheme(string configured, string expected) =>
        Assert.Equal(expected, SpiffeId.WithoutScheme(configured));
}
