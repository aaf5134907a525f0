using Mesh.Api.V1;

namespace Mesh.Operator.Tests.Examples;

/// <summary>examples/tls-origination stays valid and gives the app's proxy the TLS origination its README describes.</summary>
public sealed class TlsOriginationExampleTests
{
    [Fact]
    public void Analyze_finds_no_problem()
    {
        Assert.Equal((0, "", ""), ExampleCli.Analyze("tls-origination"));
    }

    [Fact]
    public void The_apps_proxy_originates_simple_tls_to_the_external_name_with_the_sni_names_and_ca()
    {
        var config = ExampleCli.Compile("tls-origination", "default/checkout");
        var payments = config.Clusters.Single(c => c.Name == "outbound|8443||payments.default.svc.cluster.local");
        Assert.Equal(ClientTls.Types.Mode.Simple, payments.Tls.Mode);
        Assert.Equal(("payments.example", "/tmp/mesh-tls-origination/ca.pem"), (payments.Tls.Sni, payments.Tls.CaCertificates));
        Assert.Equal(["payments.example"], payments.Tls.SubjectAltNames);
        Assert.Equal(("localhost", 8443u), (payments.Endpoints.Single().Address, payments.Endpoints.Single().Port));
    }
}
