using System.Text.Json.Nodes;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Informers;
using Mesh.Kubernetes.Tests.Fixtures;
using Mesh.Operator.Sources;
using Mesh.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.Tests.Sources;

/// <summary>
/// Kube mode's Secrets for tls.credentialName against the fake API server: only the Secrets workload-selected rules
/// name are read, by name with GET (never a list or a watch), and an edit of one reaches the snapshot.
/// </summary>
public sealed class CredentialSecretReaderTests : IAsyncLifetime
{
    private FakeKube _kube = null!;
    private IKubernetesClient _client = null!;
    private KubeSource _source = null!;

    public async Task InitializeAsync()
    {
        _kube = await FakeKube.StartAsync();
        _client = KubernetesClientFactory.Create(
            new k8s.KubernetesClientConfiguration { Host = _kube.Server.Url.ToString(), Namespace = "default" },
            new KubernetesClientOptions { MaxRetries = 0 });
        _source = new KubeSource(
            _client,
            Options.Create(new KubeSourceOptions
            {
                Informer = new InformerOptions { InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(200) },
                CredentialPollInterval = TimeSpan.FromMilliseconds(200),
            }),
            TimeProvider.System,
            NullLoggerFactory.Instance);
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        _client.Dispose();
        await _kube.DisposeAsync();
    }

    [Fact]
    public async Task Only_the_named_secrets_are_read_by_name_and_an_edit_reaches_the_snapshot()
    {
        _kube.Create(FakeKube.DestinationRules, """
            {"apiVersion":"mesh.io/v1alpha1","kind":"DestinationRule","metadata":{"name":"shop","namespace":"default"},
             "spec":{"host":"shop.example.com","workloadSelector":{"matchLabels":{"app":"client"}},
                     "trafficPolicy":{"tls":{"mode":"SIMPLE","credentialName":"shop-tls"}}}}
            """);
        _kube.Create(ResourceType.Secret, Secret("shop-tls", "first"));
        _kube.Create(ResourceType.Secret, Secret("unrelated", "private"));

        await _source.StartAsync(CancellationToken.None).WithTimeout("the first sync");

        Assert.Equal("first", Ca(Assert.Single(_source.Current.Secrets)));
        _kube.Server.Store.Replace(ResourceType.Secret, "default", "shop-tls", JsonNode.Parse(Secret("shop-tls", "rotated"))!.AsObject(), status: false);
        await Eventually.AssertAsync(() => _source.Current.Secrets.Any(s => Ca(s) == "rotated"), "the rotated Secret is read again");

        var secretRequests = _kube.Server.Requests.Where(r => r.Path.Contains("/secrets", StringComparison.Ordinal)).ToList();
        Assert.All(secretRequests, r => Assert.True(r.Method == "GET" && !r.IsWatch, $"{r.Method} {r.Path}"));
        Assert.Equal(
            ["/api/v1/namespaces/default/secrets/shop-tls", "/api/v1/namespaces/default/secrets/shop-tls-cacert"],
            secretRequests.Select(r => r.Path).Distinct().Order(StringComparer.Ordinal));
    }

    private static string Ca(k8s.Models.V1Secret secret) => System.Text.Encoding.UTF8.GetString(secret.Data["ca.crt"]);

    private static string Secret(string name, string ca) =>
        $$$"""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"{{{name}}}","namespace":"default"},"data":{"ca.crt":"{{{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(ca))}}}"}}""";
}
