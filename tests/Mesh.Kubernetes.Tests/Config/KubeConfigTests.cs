using System.Text;
using Mesh.Kubernetes.Config;
using Mesh.Kubernetes.Tests.Fixtures;

namespace Mesh.Kubernetes.Tests.Config;

public sealed class KubeConfigTests : IDisposable
{
    private readonly TestCertificates _certificates = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("kubeconfig-").FullName;

    public void Dispose()
    {
        _certificates.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void TokenUser_WithCaData_AndContextNamespace()
    {
        var config = KubernetesClientConfiguration.FromKubeConfigYaml($"""
            apiVersion: v1
            kind: Config
            current-context: dev
            clusters:
            - name: c1
              cluster:
                server: https://10.1.2.3:6443
                certificate-authority-data: {Base64(_certificates.AuthorityPem)}
            users:
            - name: u1
              user:
                token: abc.def
            contexts:
            - name: dev
              context:
                cluster: c1
                user: u1
                namespace: mesh-system
            """);

        Assert.Equal(new Uri("https://10.1.2.3:6443"), config.Server);
        Assert.Equal("mesh-system", config.Namespace);
        Assert.Equal("abc.def", config.Token);
        Assert.Equal(_certificates.Authority.Thumbprint, Assert.Single(config.CertificateAuthorities).Thumbprint);
        Assert.False(config.SkipTlsVerify);
        Assert.Null(config.ClientCertificate);
    }

    [Theory]
    [InlineData(ClientKeyFormat.RsaPkcs1)]
    [InlineData(ClientKeyFormat.RsaPkcs8)]
    [InlineData(ClientKeyFormat.Ec)]
    public void ClientCertificateData_InEveryKeyFormat_CarriesItsPrivateKey(ClientKeyFormat format)
    {
        var (certificatePem, keyPem, certificate) = _certificates.IssueClient("admin", format);
        var config = KubernetesClientConfiguration.FromKubeConfigYaml(Single($"""
                client-certificate-data: {Base64(certificatePem)}
                client-key-data: {Base64(keyPem)}
            """));

        Assert.NotNull(config.ClientCertificate);
        Assert.True(config.ClientCertificate.HasPrivateKey);
        Assert.Equal(certificate.Thumbprint, config.ClientCertificate.Thumbprint);
        Assert.Equal("default", config.Namespace);
    }

    [Fact]
    public void FilePaths_AreRelativeToTheKubeconfigsDirectory()
    {
        var (certificatePem, keyPem, certificate) = _certificates.IssueClient("admin", ClientKeyFormat.Ec);
        Directory.CreateDirectory(Path.Combine(_directory, "pki"));
        File.WriteAllText(Path.Combine(_directory, "pki", "ca.crt"), _certificates.AuthorityPem);
        File.WriteAllText(Path.Combine(_directory, "pki", "admin.crt"), certificatePem);
        File.WriteAllText(Path.Combine(_directory, "pki", "admin.key"), keyPem);
        var path = Path.Combine(_directory, "config");
        File.WriteAllText(path, """
            current-context: ctx
            clusters:
            - name: c
              cluster:
                server: https://127.0.0.1:6443
                certificate-authority: pki/ca.crt
                tls-server-name: kubernetes.default.svc
            users:
            - name: u
              user:
                client-certificate: pki/admin.crt
                client-key: pki/admin.key
                tokenFile: pki/token
            contexts:
            - name: ctx
              context: { cluster: c, user: u }
            """);

        var config = KubernetesClientConfiguration.Load(path);

        Assert.Equal(certificate.Thumbprint, config.ClientCertificate!.Thumbprint);
        Assert.Single(config.CertificateAuthorities);
        Assert.Equal(Path.Combine(_directory, "pki", "token"), config.TokenFile);
        Assert.Equal("kubernetes.default.svc", config.TlsServerName);
    }

    [Fact]
    public void InsecureSkipTlsVerify_AndAnExplicitContext()
    {
        var config = KubernetesClientConfiguration.FromKubeConfigYaml("""
            current-context: a
            clusters:
            - { name: ca, cluster: { server: "https://a:6443" } }
            - { name: cb, cluster: { server: "https://b:6443", insecure-skip-tls-verify: true } }
            users:
            - { name: u, user: { token: t } }
            contexts:
            - { name: a, context: { cluster: ca, user: u } }
            - { name: b, context: { cluster: cb, user: u, namespace: nb } }
            """, context: "b");

        Assert.Equal(new Uri("https://b:6443"), config.Server);
        Assert.True(config.SkipTlsVerify);
        Assert.Equal("nb", config.Namespace);
    }

    [Fact]
    public void SeveralFiles_MergeWithTheFirstDefinitionWinning()
    {
        var first = Path.Combine(_directory, "first");
        var second = Path.Combine(_directory, "second");
        File.WriteAllText(first, """
            current-context: shared
            users:
            - { name: u, user: { token: from-first } }
            """);
        File.WriteAllText(second, """
            current-context: ignored
            clusters:
            - { name: c, cluster: { server: "https://c:6443" } }
            users:
            - { name: u, user: { token: from-second } }
            contexts:
            - { name: shared, context: { cluster: c, user: u } }
            """);

        var config = KubeConfigLoader.Load([first, Path.Combine(_directory, "missing"), second], context: null);
        Assert.Equal("from-first", config.Token);
        Assert.Equal(new Uri("https://c:6443"), config.Server);
    }

    [Theory]
    [InlineData("current-context: nope\ncontexts: []", "no context named 'nope'")]
    [InlineData("contexts: []", "no current-context")]
    [InlineData("current-context: x\ncontexts:\n- { name: x, context: { cluster: gone } }", "cluster 'gone'")]
    [InlineData("current-context: x\nclusters:\n- { name: c, cluster: { server: 'ftp://x' } }\ncontexts:\n- { name: x, context: { cluster: c } }", "not an http(s) URL")]
    [InlineData("current-context: x\nclusters:\n- { name: c, cluster: { server: 'https://x' } }\nusers:\n- { name: u, user: { exec: { command: aws } } }\ncontexts:\n- { name: x, context: { cluster: c, user: u } }", "exec and auth-provider")]
    [InlineData("current-context: x\nclusters:\n- { name: c, cluster: { server: 'https://x', certificate-authority-data: '!!' } }\ncontexts:\n- { name: x, context: { cluster: c } }", "not base64")]
    [InlineData("current-context: [unclosed", "not valid YAML")]
    public void InvalidKubeconfigs_FailWithAMessageThatSaysWhy(string yaml, string expected)
    {
        var error = Assert.Throws<KubeConfigException>(() => KubernetesClientConfiguration.FromKubeConfigYaml(yaml));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACertificateWithoutItsKey_IsRejected()
    {
        var (certificatePem, _, _) = _certificates.IssueClient("admin", ClientKeyFormat.Ec);
        var error = Assert.Throws<KubeConfigException>(() => KubernetesClientConfiguration.FromKubeConfigYaml(Single($"""
                client-certificate-data: {Base64(certificatePem)}
            """)));
        Assert.Contains("must be given together", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InCluster_ReadsTheServiceAccountMountAndTheKubeletsEnvironment()
    {
        File.WriteAllText(Path.Combine(_directory, "token"), "sa-token");
        File.WriteAllText(Path.Combine(_directory, "ca.crt"), _certificates.AuthorityPem);
        File.WriteAllText(Path.Combine(_directory, "namespace"), "mesh-system\n");
        var environment = new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "fd00::1", ["KUBERNETES_SERVICE_PORT"] = "443" };

        Assert.True(InClusterConfig.IsInCluster(_directory, environment.GetValueOrDefault));
        var config = InClusterConfig.Load(_directory, environment.GetValueOrDefault);

        Assert.Equal(new Uri("https://[fd00::1]:443"), config.Server);
        Assert.Equal("mesh-system", config.Namespace);
        Assert.Equal(Path.Combine(_directory, "token"), config.TokenFile);
        Assert.Single(config.CertificateAuthorities);
        Assert.False(InClusterConfig.IsInCluster(_directory, _ => null));
        Assert.Throws<KubeConfigException>(() => InClusterConfig.Load(_directory, _ => null));
    }

    private static string Single(string userFields) => $"""
        current-context: x
        clusters:
        - name: c
          cluster:
            server: https://127.0.0.1:6443
        users:
        - name: u
          user:
        {userFields}
        contexts:
        - name: x
          context:
            cluster: c
            user: u
        """;

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
