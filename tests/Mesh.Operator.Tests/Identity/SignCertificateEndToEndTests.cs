using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Api.V1;
using Mesh.Testing;
using Mesh.Testing.Operator;

namespace Mesh.Operator.Tests.Identity;

/// <summary>The real operator in local mode on loopback, SignCertificate over real gRPC (ours and @grpc/grpc-js).</summary>
public sealed class SignCertificateEndToEndTests : IAsyncLifetime
{
    private LocalOperator _operator = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _operator = await LocalOperator.StartAsync(new Dictionary<string, string>());
        _channel = GrpcChannel.ForAddress(_operator.GrpcAddress);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _operator.DisposeAsync();
    }

    [Fact]
    public async Task LocalMode_WithTheBootstrapToken_IssuesTheClaimedIdentity_ChainedToTheRootOnDisk()
    {
        var (_, csr) = IdentityTestCertificates.Csr(uris: ["spiffe://cluster.local/ns/kube-system/sa/admin"]);

        using var call = new ConfigDiscovery.ConfigDiscoveryClient(_channel).SignCertificateAsync(new SignCertificateRequest { CsrPem = csr }, Options(await TokenAsync()));
        var response = await call.ResponseAsync;

        using var leaf = X509Certificate2.CreateFromPem(response.CertificateChainPem[0]);
        Assert.Equal(["spiffe://cluster.local/ns/shop/sa/reviews"], IdentityTestCertificates.Names(leaf).Uris);
        var rootOnDisk = await File.ReadAllTextAsync(Path.Combine(_operator.CaDirectory, "ca.crt"));
        Assert.Equal(rootOnDisk.Trim(), Assert.Single(response.TrustBundlePem).Trim());
        Assert.True(IdentityTestCertificates.ChainsTo(leaf, [], response.TrustBundlePem, DateTimeOffset.UtcNow));
        Assert.Equal(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1), leaf.NotAfter - leaf.NotBefore);
        await Eventually.AssertAsync(async () => Regex.IsMatch(await MetricsAsync(), @"^mesh_certificates_issued_total(\{\})? 1$", RegexOptions.Multiline), "the issue is counted");
    }

    [Fact]
    public async Task WrongToken_IsUnauthenticated_AndNothingIsIssued()
    {
        using var call = new ConfigDiscovery.ConfigDiscoveryClient(_channel).SignCertificateAsync(new SignCertificateRequest { CsrPem = IdentityTestCertificates.Csr().Pem }, Options("not-the-token-at-all"));

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("bootstrap token", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(await TokenAsync(), error.Status.Detail, StringComparison.Ordinal);
        await Eventually.AssertAsync(
            async () => (await MetricsAsync()).Contains("mesh_certificate_rejections_total{reason=\"unauthenticated\"} 1", StringComparison.Ordinal),
            "the rejection is counted");
    }

    [Fact]
    public async Task BadCsr_IsInvalidArgumentWithTheReason()
    {
        using var call = new ConfigDiscovery.ConfigDiscoveryClient(_channel).SignCertificateAsync(new SignCertificateRequest { CsrPem = "garbage" }, Options(await TokenAsync()));

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("PKCS#10", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrpcJs_SignCertificate_GetsAChainAndBundle_AndItsErrorsAsStatusCodes()
    {
        var script = RepositoryPaths.Combine("tests", "Mesh.Operator.Tests", "peers", "grpc-js", "sign-certificate.js");
        var token = await TokenAsync();
        var input = new JsonArray(
            Call(IdentityTestCertificates.Csr().Pem, token, ttlSeconds: 3600),
            Call(IdentityTestCertificates.Csr().Pem, "wrong-token-wrong-token"),
            Call("garbage", token));

        var run = await NodeScript.RunAsync(script, input.ToJsonString());

        Assert.True(run.ExitCode == 0, run.Error);
        var results = JsonDocument.Parse(run.Output).RootElement.EnumerateArray().ToList();
        Assert.Equal(0, results[0].GetProperty("code").GetInt32());
        using var leaf = X509Certificate2.CreateFromPem(results[0].GetProperty("certificateChainPem")[0].GetString());
        Assert.Equal(["spiffe://cluster.local/ns/shop/sa/reviews"], IdentityTestCertificates.Names(leaf).Uris);
        Assert.Equal(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1), leaf.NotAfter - leaf.NotBefore);
        var bundle = results[0].GetProperty("trustBundlePem").EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.True(IdentityTestCertificates.ChainsTo(leaf, [], bundle, DateTimeOffset.UtcNow));
        Assert.Equal((int)StatusCode.Unauthenticated, results[1].GetProperty("code").GetInt32());
        Assert.Equal((int)StatusCode.InvalidArgument, results[2].GetProperty("code").GetInt32());
        Assert.Contains("PKCS#10", results[2].GetProperty("details").GetString(), StringComparison.Ordinal);

        JsonObject Call(string csr, string bearer, long ttlSeconds = 0) => new()
        {
            ["address"] = $"127.0.0.1:{_operator.GrpcAddress.Port}",
            ["csrPem"] = csr,
            ["ttlSeconds"] = ttlSeconds,
            ["metadata"] = new JsonObject
            {
                ["authorization"] = "Bearer " + bearer,
                ["mesh-namespace"] = "shop",
                ["mesh-service-account"] = "reviews",
            },
        };
    }

    private static CallOptions Options(string token) => new(headers: new Metadata
    {
        { "authorization", "Bearer " + token },
        { "mesh-namespace", "shop" },
        { "mesh-service-account", "reviews" },
    });

    private async Task<string> TokenAsync() => (await File.ReadAllTextAsync(_operator.BootstrapTokenFile)).Trim();

    private async Task<string> MetricsAsync()
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(new Uri(_operator.HttpAddress, "/metrics"));
    }
}
