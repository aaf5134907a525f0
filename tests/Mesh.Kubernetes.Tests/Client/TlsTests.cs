using System.Text;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Tests.Fixtures;

namespace Mesh.Kubernetes.Tests.Client;

/// <summary>The client's TLS against the fake API server over HTTPS, requiring a client certificate.</summary>
public sealed class TlsTests : IAsyncLifetime
{
    private readonly TestCertificates _ca = new();
    private readonly CancellationToken _ct = TestTimeout.Token();
    private FakeApiServer _server = null!;

    public async Task InitializeAsync()
        => _server = await FakeApiServer.StartAsync([Widget.Type], new FakeApiServerTls(_ca.IssueServer(), _ca.Authority));

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _ca.Dispose();
    }

    [Theory]
    [InlineData(ClientKeyFormat.Ec)]
    [InlineData(ClientKeyFormat.RsaPkcs1)]
    public async Task AClientCertificateFromTheKubeconfig_AuthenticatesTheClient(ClientKeyFormat format)
    {
        var (certificatePem, keyPem, _) = _ca.IssueClient("admin", format);
        using var client = KubernetesClientFactory.Create(FromKubeconfig(_ca.AuthorityPem, certificatePem, keyPem));

        var list = await client.ListWidgetsAsync("default", null, _ct);

        Assert.Empty(list.Items);
        Assert.Equal("CN=admin, O=system:masters", Assert.Single(_server.Requests).ClientCertificateSubject);
    }

    [Fact]
    public async Task AWatchOverHttps_StreamsEventsAsTheyHappen()
    {
        var (certificatePem, keyPem, _) = _ca.IssueClient("admin", ClientKeyFormat.Ec);
        using var client = KubernetesClientFactory.Create(FromKubeconfig(_ca.AuthorityPem, certificatePem, keyPem));
        await using var events = client.WatchWidgets("default", null, null, _ct).GetAsyncEnumerator(_ct);
        var next = events.MoveNextAsync().AsTask();
        await TestTimeout.WaitUntilAsync(() => _server.Store.OpenWatches == 1, "the watch to open");

        await client.CreateWidgetAsync(Widget.Create("default", "w1", "red"), _ct);

        Assert.True(await next);
        Assert.Equal(k8s.WatchEventType.Added, events.Current.Type);
        Assert.Equal("w1", events.Current.Object.Metadata.Name);
    }

    [Fact]
    public async Task WithoutAClientCertificate_TheServerRefusesTheConnection()
    {
        using var client = KubernetesClientFactory.Create(FromKubeconfig(_ca.AuthorityPem, null, null));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.ListWidgetsAsync("default", null, _ct));
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task AServerCertificateFromAnotherAuthority_IsRejected_UnlessVerificationIsSkipped()
    {
        using var other = new TestCertificates("other-ca");
        var (certificatePem, keyPem, _) = _ca.IssueClient("admin", ClientKeyFormat.Ec);
        using var strict = KubernetesClientFactory.Create(FromKubeconfig(other.AuthorityPem, certificatePem, keyPem));
        await Assert.ThrowsAsync<HttpRequestException>(() => strict.ListWidgetsAsync("default", null, _ct));
        Assert.Empty(_server.Requests);

        using var insecure = KubernetesClientFactory.Create(FromKubeconfig(null, certificatePem, keyPem, insecure: true));
        await insecure.ListWidgetsAsync("default", null, _ct);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task TlsServerName_IsWhatTheServerCertificateIsCheckedAgainst()
    {
        var (certificatePem, keyPem, _) = _ca.IssueClient("admin", ClientKeyFormat.Ec);
        using var named = KubernetesClientFactory.Create(FromKubeconfig(_ca.AuthorityPem, certificatePem, keyPem, serverName: "kubernetes.default.svc"));
        await named.ListWidgetsAsync("default", null, _ct);

        using var misnamed = KubernetesClientFactory.Create(FromKubeconfig(_ca.AuthorityPem, certificatePem, keyPem, serverName: "other.example"));
        await Assert.ThrowsAsync<HttpRequestException>(() => misnamed.ListWidgetsAsync("default", null, _ct));
        Assert.Single(_server.Requests);
    }

    private k8s.KubernetesClientConfiguration FromKubeconfig(string? caPem, string? certificatePem, string? keyPem, bool insecure = false, string? serverName = null)
    {
        var cluster = new StringBuilder($"    server: {_server.Url}\n");
        if (caPem is not null)
        {
            cluster.Append($"    certificate-authority-data: {Base64(caPem)}\n");
        }

        if (insecure)
        {
            cluster.Append("    insecure-skip-tls-verify: true\n");
        }

        if (serverName is not null)
        {
            cluster.Append($"    tls-server-name: {serverName}\n");
        }

        var user = certificatePem is null
            ? "  user: { token: not-a-certificate }\n"
            : $"  user:\n    client-certificate-data: {Base64(certificatePem)}\n    client-key-data: {Base64(keyPem!)}\n";
        return KubeConfigYaml.Build(
            $"current-context: x\nclusters:\n- name: c\n  cluster:\n{cluster}users:\n- name: u\n{user}contexts:\n- name: x\n  context: {{cluster: c, user: u}}\n");
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
