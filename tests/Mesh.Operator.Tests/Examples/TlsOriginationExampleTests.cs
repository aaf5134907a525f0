using System.Text.Json.Nodes;
using Google.Protobuf;
using Mesh.Api.V1;
using Mesh.Operator.Cli;

namespace Mesh.Operator.Tests.Examples;

/// <summary>examples/tls-origination stays valid and gives the app's proxy the TLS origination its README describes.</summary>
public sealed class TlsOriginationExampleTests
{
    private static readonly string Example = TestPaths.InRepository("examples", "tls-origination");

    private static string[] Manifests => [.. Directory.GetFiles(Example, "*.yaml").Order(StringComparer.Ordinal)];

    [Fact]
    public void Analyze_finds_no_problem()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = MeshCli.Run(["analyze", .. Manifests], output, error);

        Assert.Equal((0, "", ""), (code, output.ToString(), error.ToString()));
    }

    [Fact]
    public void The_apps_proxy_originates_simple_tls_to_the_external_name_with_the_sni_names_and_ca()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = MeshCli.Run(["compile", .. Manifests, "--proxy", "default/checkout"], output, error);

        Assert.Equal((0, ""), (code, error.ToString()));
        var config = JsonParser.Default.Parse<ProxyConfig>(JsonNode.Parse(output.ToString())!["config"]!.ToJsonString());
        var payments = config.Clusters.Single(c => c.Name == "outbound|8443||payments.default.svc.cluster.local");
        Assert.Equal(ClientTls.Types.Mode.Simple, payments.Tls.Mode);
        Assert.Equal(("payments.example", "/tmp/mesh-tls-origination/ca.pem"), (payments.Tls.Sni, payments.Tls.CaCertificates));
        Assert.Equal(["payments.example"], payments.Tls.SubjectAltNames);
        Assert.Equal(("localhost", 8443u), (payments.Endpoints.Single().Address, payments.Endpoints.Single().Port));
    }
}
