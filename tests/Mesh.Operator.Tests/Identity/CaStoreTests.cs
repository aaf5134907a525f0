using Grpc.Core;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Tests.Fixtures;
using Mesh.Operator.Identity;
using Mesh.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Operator.Tests.Identity;

public sealed class CaStoreTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly CertificateAuthorityOptions _options = new();

    [Fact]
    public async Task DirectoryStore_GeneratesOnce_PrivateFiles_AndAFreshStartReusesTheRoot()
    {
        var directory = Path.Combine(Path.GetTempPath(), "mesh-ca-" + Guid.NewGuid().ToString("N"), "ca");
        try
        {
            using var first = await NewDirectoryStore(directory).LoadOrCreateAsync(CancellationToken.None);
            using var second = await NewDirectoryStore(directory).LoadOrCreateAsync(CancellationToken.None);

            Assert.Equal(first.Issuer.Thumbprint, second.Issuer.Thumbprint);
            Assert.True(second.Issuer.HasPrivateKey);
            Assert.Equal(TimeSpan.FromDays(3650) + TimeSpan.FromMinutes(1), first.Issuer.NotAfter - first.Issuer.NotBefore);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, "ca.key")));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, "ca.crt")));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
            }
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(directory)!, recursive: true);
        }
    }

    [Fact]
    public async Task DirectoryStore_WithOnlyTheCertificate_RefusesRatherThanReplacingIt()
    {
        var directory = Directory.CreateTempSubdirectory("mesh-ca-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "ca.crt"), "x");
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => NewDirectoryStore(directory).LoadOrCreateAsync(CancellationToken.None));
            Assert.Contains("only one of ca.crt and ca.key", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task SecretStore_CreatesTheSecretOnce_AndASecondReplicaUsesTheSameRoot()
    {
        await using var server = await FakeApiServer.StartAsync([ResourceType.Secret]);
        using var clientA = Client(server);
        using var clientB = Client(server);

        using var a = await NewSecretStore(clientA).LoadOrCreateAsync(CancellationToken.None);
        using var b = await NewSecretStore(clientB).LoadOrCreateAsync(CancellationToken.None);

        Assert.Equal(a.Issuer.Thumbprint, b.Issuer.Thumbprint);
        Assert.Equal(1, server.Requests.Count(r => r.Method == "POST"));
        var secret = server.Store.Get(ResourceType.Secret, "mesh-system", "mesh-ca");
        Assert.Equal("Opaque", (string?)secret["type"]);
        Assert.NotNull(secret["data"]?["ca.key"]);
        Assert.NotNull(secret["data"]?["ca.crt"]);
    }

    [Fact]
    public async Task SecretStore_LosingTheCreateRace_ReadsTheWinnersRoot()
    {
        await using var server = await FakeApiServer.StartAsync([ResourceType.Secret]);
        using var clientA = Client(server);
        using var clientB = Client(server);
        using var winner = await NewSecretStore(clientA).LoadOrCreateAsync(CancellationToken.None);

        // Replica B looked before A created it: its GET says 404, so it generates a root of its own and its create gets 409.
        server.InjectFailures(1, 404, match: r => r.Method == "GET" && r.Path.EndsWith("/secrets/mesh-ca", StringComparison.Ordinal));
        using var loser = await NewSecretStore(clientB).LoadOrCreateAsync(CancellationToken.None);

        Assert.Equal(winner.Issuer.Thumbprint, loser.Issuer.Thumbprint);
        Assert.Equal(2, server.Requests.Count(r => r.Method == "POST"));
        Assert.Equal(["GET", "POST", "GET", "POST", "GET"], server.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task TokenReview_AuthenticatesAServiceAccountToken_AsItsNamespaceAndName()
    {
        await using var server = await FakeApiServer.StartAsync([ResourceType.Secret]);
        using var client = Client(server);
        server.Tokens["sa-token"] = "system:serviceaccount:shop:reviews";
        server.Tokens["person-token"] = "jane@example.com";
        var authenticator = new TokenReviewAuthenticator(client);

        var identity = await authenticator.AuthenticateAsync(Bearer("sa-token"), CancellationToken.None);
        Assert.Equal(("shop", "reviews"), (identity.Namespace, identity.ServiceAccount));

        var forged = await Assert.ThrowsAsync<WorkloadAuthenticationException>(() => authenticator.AuthenticateAsync(Bearer("forged"), CancellationToken.None));
        Assert.Contains("rejected", forged.Message, StringComparison.Ordinal);
        var person = await Assert.ThrowsAsync<WorkloadAuthenticationException>(() => authenticator.AuthenticateAsync(Bearer("person-token"), CancellationToken.None));
        Assert.Contains("not a service account", person.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<WorkloadAuthenticationException>(() => authenticator.AuthenticateAsync([], CancellationToken.None));
    }

    [Fact]
    public async Task BootstrapToken_AcceptsOnlyTheToken_AndTakesTheClaimedIdentity()
    {
        var authenticator = new BootstrapTokenAuthenticator("0123456789abcdef0123");
        var claims = Bearer("0123456789abcdef0123");
        claims.Add("mesh-namespace", "shop");
        claims.Add("mesh-service-account", "reviews");

        var identity = await authenticator.AuthenticateAsync(claims, CancellationToken.None);
        Assert.Equal(("shop", "reviews"), (identity.Namespace, identity.ServiceAccount));

        await Assert.ThrowsAsync<WorkloadAuthenticationException>(() => authenticator.AuthenticateAsync(Bearer("0123456789abcdef0124"), CancellationToken.None));
        var bad = Bearer("0123456789abcdef0123");
        bad.Add("mesh-namespace", "Shop/../x");
        bad.Add("mesh-service-account", "reviews");
        var error = await Assert.ThrowsAsync<WorkloadAuthenticationException>(() => authenticator.AuthenticateAsync(bad, CancellationToken.None));
        Assert.Contains("not a valid namespace", error.Message, StringComparison.Ordinal);
    }

    private static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    private static IKubernetesClient Client(FakeApiServer server)
        => KubernetesClientFactory.Create(new k8s.KubernetesClientConfiguration { Host = server.Url.ToString(), Namespace = "mesh-system" }, null, null);

    private DirectoryCaStore NewDirectoryStore(string directory) => new(directory, _options, _time, NullLogger<DirectoryCaStore>.Instance);

    private SecretCaStore NewSecretStore(IKubernetesClient client) => new(client, "mesh-system", _options, _time, NullLogger<SecretCaStore>.Instance);
}
