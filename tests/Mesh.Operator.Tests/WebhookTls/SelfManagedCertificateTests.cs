using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Mesh.Kubernetes.Tests.Fixtures;
using Mesh.Operator.Tests.Sources;
using Mesh.Operator.WebhookTls;
using Mesh.Testing;

namespace Mesh.Operator.Tests.WebhookTls;

/// <summary>
/// Kube mode without certificate files, against the fake API server: the operator keeps a CA and serving certificate
/// in a Secret shared by its replicas, sets the webhook configuration's caBundle, and renews on its clock (a manual
/// one here; only the certificate sources use it). Real TLS handshakes on loopback check what is served.
/// </summary>
public sealed class SelfManagedCertificateTests : IAsyncLifetime
{
    private const string ServiceHost = "mesh-operator.mesh-system.svc";
    private readonly ManualTimeProvider _clock = new();
    private FakeKube _kube = null!;

    public async Task InitializeAsync()
    {
        _kube = await FakeKube.StartAsync();
        _kube.Create(FakeKube.MutatingWebhookConfigurations, """
            {"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{"name":"mesh-sidecar-injector"},
             "webhooks":[
               {"name":"inject.mesh.io","admissionReviewVersions":["v1"],"sideEffects":"None",
                "clientConfig":{"service":{"name":"mesh-operator","namespace":"mesh-system","path":"/inject","port":15017}}},
               {"name":"inject-namespace.mesh.io","admissionReviewVersions":["v1"],"sideEffects":"None",
                "clientConfig":{"caBundle":"c3RhbGU=","service":{"name":"mesh-operator","namespace":"mesh-system","path":"/inject","port":15017}}}]}
            """);
    }

    public async Task DisposeAsync() => await _kube.DisposeAsync();

    [Fact]
    public async Task Creates_the_secret_sets_every_ca_bundle_and_the_served_chain_verifies_with_it()
    {
        await using var host = await WebhookOperator.StartKubeAsync(_kube.Configuration, _clock);

        var secret = Secret();
        Assert.Equal("kubernetes.io/tls", secret["type"]!.GetValue<string>());
        var caBundle = Data(secret, "ca.crt");
        await Eventually.AssertAsync(() => CaBundles().All(b => b == caBundle), "every webhook's caBundle is the Secret's CA");
        using var authority = X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(Convert.FromBase64String(caBundle)));
        foreach (var name in CertificateFactory.ServiceDnsNames("mesh-operator", "mesh-system"))
        {
            Assert.True(await TlsProbe.VerifiesAsync(host.WebhookPort, authority, name, _clock.GetUtcNow()), name);
        }

        Assert.True((await TlsProbe.PresentedAsync(host.WebhookPort)).SameAs(ServingCertificate(secret)));
        Assert.False(await TlsProbe.VerifiesAsync(host.WebhookPort, authority, "other.mesh-system.svc", _clock.GetUtcNow()));
    }

    [Fact]
    public async Task A_second_replica_serves_the_same_certificate_from_the_secret()
    {
        await using var first = await WebhookOperator.StartKubeAsync(_kube.Configuration, _clock, "operator-0");
        var version = Secret()["metadata"]!["resourceVersion"]!.GetValue<string>();

        await using var second = await WebhookOperator.StartKubeAsync(_kube.Configuration, _clock, "operator-1");

        Assert.True((await TlsProbe.PresentedAsync(second.WebhookPort)).SameAs(await TlsProbe.PresentedAsync(first.WebhookPort)));
        Assert.Equal(version, Secret()["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Single(_kube.Server.Requests, r => r.Method == "POST" && r.Path.EndsWith("/secrets", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Renewal_falls_due_on_the_clock_and_serves_a_new_certificate_from_the_same_ca_without_restart()
    {
        // A resync longer than the renewal point leaves the renewal timer as the only thing that can fire.
        await using var host = await WebhookOperator.StartKubeAsync(_kube.Configuration, _clock, tls: o => o.ResyncInterval = TimeSpan.FromDays(400));
        var served = await TlsProbe.PresentedAsync(host.WebhookPort);

        // What someone else put in the Secret survives the renewal (a patch of our keys, not a PUT of our model).
        _kube.Server.Store.Patch(ResourceType.Secret, "mesh-system", "mesh-webhook-tls", current =>
        {
            current!["metadata"]!.AsObject()["annotations"] = new JsonObject { ["backup.example/policy"] = "daily" };
            current["data"]!.AsObject()["extra.pem"] = "ZXh0cmE=";
            current["fieldFromANewerKubernetes"] = "kept";
            return current;
        }, status: false, createIfMissing: false);
        var before = Secret();

        // A 1-year certificate is renewed once less than a third of it remains: after about 243 days.
        _clock.Advance(TimeSpan.FromDays(250));

        await Eventually.AssertAsync(() => Data(Secret(), "tls.crt") != Data(before, "tls.crt"), "the Secret gets a new serving certificate");
        var after = Secret();
        Assert.Equal(Data(before, "ca.crt"), Data(after, "ca.crt"));
        Assert.Equal("ZXh0cmE=", Data(after, "extra.pem"));
        Assert.Equal("daily", after["metadata"]!["annotations"]!["backup.example/policy"]!.GetValue<string>());
        Assert.Equal("kept", after["fieldFromANewerKubernetes"]!.GetValue<string>());
        await Eventually.AssertAsync(async () => (await TlsProbe.PresentedAsync(host.WebhookPort)).SameAs(ServingCertificate(after)), "the renewed certificate is served");
        Assert.False(served.SameAs(ServingCertificate(after)));
        using var authority = X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(Convert.FromBase64String(Data(after, "ca.crt"))));
        Assert.True(await TlsProbe.VerifiesAsync(host.WebhookPort, authority, ServiceHost, _clock.GetUtcNow()));
        AssertOnlyTheListedCalls();
    }

    [Fact]
    public async Task Replicas_converge_on_the_certificate_whichever_renews_it()
    {
        await using var first = await WebhookOperator.StartKubeAsync(_kube.Configuration, _clock, "operator-0", o => o.ResyncInterval = TimeSpan.FromDays(400));
        await using var second = await WebhookOperator.StartKubeAsync(_kube.Configuration, _clock, "operator-1", o => o.ResyncInterval = TimeSpan.FromDays(400));
        var original = Data(Secret(), "tls.crt");

        // Both fall due at once: one update wins, the other gets 409 and takes the winner's certificate.
        _clock.Advance(TimeSpan.FromDays(250));

        await Eventually.AssertAsync(async () =>
            Data(Secret(), "tls.crt") is var renewed && renewed != original
            && (await TlsProbe.PresentedAsync(first.WebhookPort)).SameAs(ServingCertificate(Secret()))
            && (await TlsProbe.PresentedAsync(second.WebhookPort)).SameAs(ServingCertificate(Secret())),
            "both replicas serve the renewed certificate in the Secret");
    }

    [Fact]
    public async Task Losing_the_create_race_serves_the_winners_secret()
    {
        var winner = WebhookCertificateBundle.Create(CertificateFactory.ServiceDnsNames("mesh-operator", "mesh-system"), _clock.GetUtcNow(), new WebhookTlsOptions());
        var data = new JsonObject();
        foreach (var (key, value) in winner.ToSecretData())
        {
            data[key] = Convert.ToBase64String(value);
        }

        // The other replica's create lands between this replica's GET (404) and its POST, which then gets 409.
        _kube.Server.InjectFailures(1, 500, match: request =>
        {
            if (request.Method == "POST" && request.Path.EndsWith("/secrets", StringComparison.Ordinal))
            {
                _kube.Create(ResourceType.Secret, new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Secret",
                    ["metadata"] = new JsonObject { ["name"] = "mesh-webhook-tls", ["namespace"] = "mesh-system" },
                    ["type"] = "kubernetes.io/tls",
                    ["data"] = data,
                }.ToJsonString());
            }

            return false;
        });

        await using var host = await WebhookOperator.StartKubeAsync(_kube.Configuration, _clock);

        Assert.True((await TlsProbe.PresentedAsync(host.WebhookPort)).SameAs(winner.Serving));
        var caBundle = Convert.ToBase64String(winner.AuthorityPem);
        await Eventually.AssertAsync(() => CaBundles().All(b => b == caBundle), "the caBundles are the winner's CA");
        Assert.Single(_kube.Server.Requests, r => r.Method == "POST" && r.Path.EndsWith("/secrets", StringComparison.Ordinal));
    }

    private JsonObject Secret() => _kube.Get(ResourceType.Secret, "mesh-system", "mesh-webhook-tls");

    private static string Data(JsonObject secret, string key) => secret["data"]![key]!.GetValue<string>();

    private static X509Certificate2 ServingCertificate(JsonObject secret) =>
        X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(Convert.FromBase64String(Data(secret, "tls.crt"))));

    private List<string?> CaBundles() =>
        [.. _kube.Get(FakeKube.MutatingWebhookConfigurations, null, "mesh-sidecar-injector")["webhooks"]!.AsArray()
            .Select(w => (string?)w!["clientConfig"]!["caBundle"])];

    /// <summary>The chart's RBAC grants exactly these: secrets get/create/patch in mesh-system, mutatingwebhookconfigurations get/patch.</summary>
    private void AssertOnlyTheListedCalls()
    {
        var calls = _kube.Server.Requests
            .Where(r => r.Path.Contains("/secrets", StringComparison.Ordinal) || r.Path.Contains("/mutatingwebhookconfigurations", StringComparison.Ordinal))
            .Select(r => $"{r.Method} {r.Path}")
            .ToHashSet();
        Assert.Subset(
            new HashSet<string>
            {
                "GET /api/v1/namespaces/mesh-system/secrets/mesh-webhook-tls",
                "POST /api/v1/namespaces/mesh-system/secrets",
                "PATCH /api/v1/namespaces/mesh-system/secrets/mesh-webhook-tls",
                "GET /apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/mesh-sidecar-injector",
                "PATCH /apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/mesh-sidecar-injector",
            },
            calls);
        Assert.Contains("PATCH /api/v1/namespaces/mesh-system/secrets/mesh-webhook-tls", calls);
    }
}
