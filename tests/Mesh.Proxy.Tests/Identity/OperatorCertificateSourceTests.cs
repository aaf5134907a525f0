using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Mesh.Proxy.Hosting;
using Mesh.Proxy.Identity;
using Mesh.Testing;
using Mesh.Testing.Operator;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mesh.Proxy.Tests.Identity;

/// <summary>The proxy's certificate source against the real operator (local mode) over real gRPC on loopback.</summary>
public sealed class OperatorCertificateSourceTests : IAsyncLifetime
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
    private readonly ManualTimeProvider _time = new();
    private LocalOperator _operator = null!;

    public async Task InitializeAsync() => _operator = await LocalOperator.StartAsync(new Dictionary<string, string>(), _time);

    public async Task DisposeAsync() => await _operator.DisposeAsync();

    [Fact]
    public async Task Start_ObtainsACertificateForTheWorkload_WithItsKey_ChainedToTheBundle()
    {
        using var source = CreateSource(Options(bootstrapTokenFile: _operator.BootstrapTokenFile));
        await source.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.AssertAsync(() => source.Current is not null, "the first certificate is issued");

            var issued = source.Current!;
            Assert.Equal("cluster.local/ns/shop/sa/reviews", issued.Principal);
            Assert.Equal("spiffe://cluster.local/ns/shop/sa/reviews", issued.SpiffeId);
            Assert.True(issued.Certificate.HasPrivateKey);
            Assert.Empty(issued.Intermediates);
            var root = Assert.Single(issued.TrustRoots);
            Assert.Equal((await File.ReadAllTextAsync(Path.Combine(_operator.CaDirectory, "ca.crt"))).Trim(), root.ExportCertificatePem().Trim());
            await AssertUsableForTlsAsync(issued);
        }
        finally
        {
            await source.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task At70PercentOfTheLifetime_ANewCertificateIsFetched_AndSwappedIn()
    {
        using var source = CreateSource(Options(bootstrapTokenFile: _operator.BootstrapTokenFile));
        await source.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.AssertAsync(() => source.Current is not null, "the first certificate is issued");
            var first = source.Current!;
            var issuedAt = _time.GetUtcNow();
            var renewAt = first.Certificate.NotBefore.ToUniversalTime() + ((first.Certificate.NotAfter - first.Certificate.NotBefore) * 0.7);
            var untilRenewal = renewAt - issuedAt.UtcDateTime;
            Assert.InRange(untilRenewal, Lifetime * 0.69, Lifetime * 0.7);
            await Eventually.AssertAsync(() => _time.PendingDelays.Contains(untilRenewal), "the renewal is scheduled at 70% of the lifetime");

            _time.Advance(untilRenewal - TimeSpan.FromMinutes(10));
            Assert.Same(first, source.Current);
            Assert.Contains(TimeSpan.FromMinutes(10), _time.PendingDelays);

            _time.Advance(TimeSpan.FromMinutes(10));
            await Eventually.AssertAsync(() => !ReferenceEquals(first, source.Current), "the renewed certificate replaces the first");

            var second = source.Current!;
            Assert.Equal(first.Principal, second.Principal);
            Assert.NotEqual(first.Certificate.SerialNumber, second.Certificate.SerialNumber);
            Assert.Equal(renewAt.AddMinutes(-1), second.Certificate.NotBefore.ToUniversalTime());
            Assert.NotEqual(first.Certificate.GetPublicKeyString(), second.Certificate.GetPublicKeyString());
            await AssertUsableForTlsAsync(second);
        }
        finally
        {
            await source.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task RefusedRequests_AreRetriedWithBackoff_AndTheTokenFileIsReadAgain()
    {
        var tokenFile = Path.Combine(_operator.CaDirectory, "proxy-token");
        await File.WriteAllTextAsync(tokenFile, "a-token-the-operator-does-not-know");
        using var source = CreateSource(Options(bootstrapTokenFile: tokenFile));
        await source.StartAsync(CancellationToken.None);
        try
        {
            // The first retry waits between half and all of the 1 s initial delay.
            await Eventually.AssertAsync(() => _time.PendingDelays.Any(d => d >= TimeSpan.FromMilliseconds(500) && d <= TimeSpan.FromSeconds(1)), "a retry is scheduled");
            Assert.Null(source.Current);

            File.Copy(_operator.BootstrapTokenFile, tokenFile, overwrite: true);
            _time.Advance(TimeSpan.FromSeconds(1));
            await Eventually.AssertAsync(() => source.Current is not null, "the retry with the corrected token succeeds");
        }
        finally
        {
            await source.StopAsync(CancellationToken.None);
        }
    }

    private OperatorCertificateSource CreateSource(ProxyOptions options)
        => new(options, Microsoft.Extensions.Options.Options.Create(new WorkloadCertificateOptions()), _time, NullLogger<OperatorCertificateSource>.Instance);

    private ProxyOptions Options(string bootstrapTokenFile) => new()
    {
        DiscoveryAddress = _operator.GrpcAddress,
        Namespace = "shop",
        ServiceAccount = "reviews",
        BootstrapTokenFile = bootstrapTokenFile,
    };

    /// <summary>The certificate and its key serve a real TLS handshake that a client trusting only the bundle accepts.</summary>
    private async Task AssertUsableForTlsAsync(WorkloadCertificate identity)
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            using var accepted = await listener.AcceptTcpClientAsync();
            await using var server = new SslStream(accepted.GetStream());
            await server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = identity.Certificate });
        });
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port);
        await using var client = new SslStream(tcp.GetStream());
        var at = _time.GetUtcNow().UtcDateTime;
        await client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "reviews",
            RemoteCertificateValidationCallback = (_, presented, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(identity.TrustRoots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.VerificationTime = at;
                return presented is not null && chain.Build(X509CertificateLoader.LoadCertificate(presented.GetRawCertData()));
            },
        }).WithTimeout("the TLS handshake");
        await serve.WithTimeout("the server side of the handshake");
    }
}
