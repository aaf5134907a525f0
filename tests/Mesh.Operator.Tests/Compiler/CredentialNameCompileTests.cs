using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Api.V1;
using Mesh.Operator.Cli;
using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;
using Mesh.Operator.Validation;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>
/// tls.credentialName as the compiler reads it: from the Secrets of the rule's namespace, only for a rule with a
/// workloadSelector; Istio's key names; a Secret it cannot use reported at the field path, the rest of the rule applied.
/// </summary>
public sealed class CredentialNameCompileTests
{
    private const string Cluster = "outbound|443||shop.default.svc.cluster.local";

    private static readonly (string Cert, string Key) Client = SelfSigned("client");
    private static readonly (string Cert, string Key) Root = SelfSigned("root");

    private const string Shop = """
        apiVersion: v1
        kind: Service
        metadata: {name: shop, namespace: default}
        spec:
          selector: {app: shop}
          ports: [{name: https, port: 443}]
        ---

        """;

    private static string Rule(string mode, bool selector = true) => $$"""
        apiVersion: mesh.io/v1alpha1
        kind: DestinationRule
        metadata: {name: shop, namespace: default}
        spec:
          host: shop
        {{(selector ? "  workloadSelector: {matchLabels: {app: client}}\n" : "")}}  trafficPolicy:
            tls: {mode: {{mode}}, credentialName: shop-tls}
        ---

        """;

    private static string Secret(string name, params (string Key, string Value)[] entries) =>
        $"apiVersion: v1\nkind: Secret\nmetadata: {{name: {name}, namespace: default}}\nstringData:\n"
        + string.Concat(entries.Select(e => $"  {e.Key}: |\n" + string.Concat(e.Value.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "    " + l + "\n"))))
        + "---\n";

    [Fact]
    public void Mutual_carries_the_secrets_material_to_the_selected_proxies_only()
    {
        var mesh = Compile(Shop + Rule("MUTUAL") + Secret("shop-tls", ("tls.crt", Client.Cert), ("tls.key", Client.Key), ("ca.crt", Root.Cert)));

        var tls = Tls(mesh, "app=client");
        Assert.Equal("shop-tls", tls.CredentialName);
        Assert.Equal(Client.Cert, tls.Credential.CertificateChain);
        Assert.Equal(Client.Key, tls.Credential.PrivateKey);
        Assert.Equal(Root.Cert, tls.Credential.CaCertificates);
        Assert.Null(mesh.ConfigFor(MeshFixture.Node("default", "app=other")).ToProxyConfig().Clusters.Single(c => c.Name == Cluster).Tls);
    }

    [Fact]
    public void Generic_keys_are_read_and_the_cacert_companion_holds_the_roots()
    {
        var mesh = Compile(Shop + Rule("MUTUAL")
            + Secret("shop-tls", ("cert", Client.Cert), ("key", Client.Key), ("cacert", Client.Cert))
            + Secret("shop-tls-cacert", ("ca.crt", Root.Cert)));

        var tls = Tls(mesh, "app=client");
        Assert.Equal(Client.Cert, tls.Credential.CertificateChain);
        Assert.Equal(Root.Cert, tls.Credential.CaCertificates);
    }

    [Fact]
    public void Simple_needs_only_the_roots()
    {
        var mesh = Compile(Shop + Rule("SIMPLE") + Secret("shop-tls", ("ca.crt", Root.Cert)));

        var tls = Tls(mesh, "app=client");
        Assert.Equal(Root.Cert, tls.Credential.CaCertificates);
        Assert.Empty(tls.Credential.PrivateKey);
    }

    [Theory]
    [InlineData("", "Secret default/shop-tls not found")]
    [InlineData("tls.crt", "has neither tls.crt and tls.key nor cert and key")]
    [InlineData("bad-pem", "not a valid PEM pair")]
    public void A_secret_that_cannot_be_used_is_reported_at_the_field_and_the_rest_of_the_rule_applies(string shape, string message)
    {
        var secret = shape switch
        {
            "" => "",
            "tls.crt" => Secret("shop-tls", ("tls.crt", Client.Cert), ("ca.crt", Root.Cert)),
            _ => Secret("shop-tls", ("tls.crt", Client.Cert), ("tls.key", Root.Key), ("ca.crt", Root.Cert)),
        };
        var mesh = Compile(Shop + Rule("MUTUAL") + secret);

        var result = mesh.Results.Single(r => r.Resource.Kind == "DestinationRule");
        var problem = Assert.Single(result.Diagnostics, d => d.Path == "spec.trafficPolicy.tls.credentialName");
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
        Assert.Equal(DiagnosticCategory.UnresolvedRef, problem.Category);
        Assert.True(result.IsAccepted);
        var tls = Tls(mesh, "app=client");
        Assert.Equal(("shop-tls", ClientTls.Types.Mode.Mutual), (tls.CredentialName, tls.Mode));
        Assert.Null(tls.Credential);
    }

    [Fact]
    public void Without_a_workload_selector_sidecars_ignore_credential_name_with_a_warning()
    {
        var mesh = Compile(Shop + Rule("SIMPLE", selector: false) + Secret("shop-tls", ("ca.crt", Root.Cert)));

        Assert.Contains(mesh.Diagnostics, d => d.Path == "spec.trafficPolicy.tls.credentialName" && !d.IsError && d.Message.Contains("workloadSelector", StringComparison.Ordinal));
        Assert.Empty(Tls(mesh, "app=client").CredentialName);
    }

    [Fact]
    public void The_compile_output_shows_the_private_key_redacted()
    {
        var mesh = Compile(Shop + Rule("MUTUAL") + Secret("shop-tls", ("tls.crt", Client.Cert), ("tls.key", Client.Key), ("ca.crt", Root.Cert)));

        var json = ProxyConfigJson.Format(mesh.ConfigFor(MeshFixture.Node("default", "app=client")));

        Assert.DoesNotContain("PRIVATE KEY", json, StringComparison.Ordinal);
        Assert.Contains("\"privateKey\": \"[redacted]\"", json, StringComparison.Ordinal);
        Assert.Equal(Client.Key, Tls(mesh, "app=client").Credential.PrivateKey);
    }

    private static CompiledMesh Compile(string yaml)
    {
        var set = ManifestLoader.LoadText("test.yaml", yaml);
        Assert.Empty(set.Problems);
        return MeshCompiler.Compile(set.ToSnapshot());
    }

    private static ClientTls Tls(CompiledMesh mesh, string labels) =>
        mesh.ConfigFor(MeshFixture.Node("default", labels)).ToProxyConfig().Clusters.Single(c => c.Name == Cluster).Tls;

    private static (string Cert, string Key) SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return (certificate.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }
}
