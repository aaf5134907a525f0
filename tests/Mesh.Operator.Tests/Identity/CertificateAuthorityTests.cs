using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Operator.Identity;
using Mesh.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.Tests.Identity;

public sealed class CertificateAuthorityTests : IDisposable
{
    private readonly ManualTimeProvider _time = new();
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("mesh-ca-");
    private readonly WorkloadIdentity _reviews = WorkloadIdentity.TryCreate("shop", "reviews", out _)!;

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Issued_ChainsToTheRoot_WithOnlyTheAuthenticatedIdentity_EvenWhenTheCsrAsksForOthers()
    {
        using var ca = CreateAuthority();
        var (key, csr) = IdentityTestCertificates.Csr(
            subject: "CN=admin, O=system:masters",
            uris: ["spiffe://cluster.local/ns/kube-system/sa/admin", "spiffe://evil.example/ns/shop/sa/reviews"],
            dnsNames: ["kubernetes.default.svc"]);

        var response = await ca.SignAsync(csr, 0, _reviews, CancellationToken.None);

        using var leaf = X509Certificate2.CreateFromPem(response.CertificateChainPem[0]);
        var (uris, dnsNames) = IdentityTestCertificates.Names(leaf);
        Assert.Equal(["spiffe://cluster.local/ns/shop/sa/reviews"], uris);
        Assert.Empty(dnsNames);
        Assert.Equal("", leaf.Subject);
        Assert.True(leaf.Extensions["2.5.29.17"]!.Critical, "an empty subject needs a critical subjectAltName");
        Assert.Single(response.CertificateChainPem);
        Assert.True(IdentityTestCertificates.ChainsTo(leaf, [], response.TrustBundlePem, _time.GetUtcNow()));
        using var publicKey = leaf.GetECDsaPublicKey()!;
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), publicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task Issued_IsALeafForServerAndClientAuthentication()
    {
        using var ca = CreateAuthority();
        var response = await ca.SignAsync(IdentityTestCertificates.Csr().Pem, 0, _reviews, CancellationToken.None);

        using var leaf = X509Certificate2.CreateFromPem(response.CertificateChainPem[0]);
        Assert.False(leaf.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, leaf.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        var usages = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value);
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], usages);
    }

    [Theory]
    [InlineData(0, 24 * 3600)]
    [InlineData(3600, 3600)]
    [InlineData(7 * 24 * 3600, 24 * 3600)]
    public async Task Lifetime_IsTheRequestedOneCappedAtTheMaximum_AndBackdatedOneMinute(long requestedSeconds, long expectedSeconds)
    {
        using var ca = CreateAuthority();
        var response = await ca.SignAsync(IdentityTestCertificates.Csr().Pem, requestedSeconds, _reviews, CancellationToken.None);

        using var leaf = X509Certificate2.CreateFromPem(response.CertificateChainPem[0]);
        var now = _time.GetUtcNow().UtcDateTime;
        Assert.Equal(now.AddMinutes(-1), leaf.NotBefore.ToUniversalTime());
        Assert.Equal(now.AddSeconds(expectedSeconds), leaf.NotAfter.ToUniversalTime());
    }

    [Theory]
    [InlineData("not a csr")]
    [InlineData("")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----")]
    public async Task Malformed_Csr_IsRefusedWithAReason(string csr)
    {
        using var ca = CreateAuthority();
        var error = await Assert.ThrowsAsync<CertificateRequestException>(() => ca.SignAsync(csr, 0, _reviews, CancellationToken.None));
        Assert.Contains("csr_pem", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csr_WithABrokenSignature_IsRefused_SoTheCallerMustHoldTheKey()
    {
        using var ca = CreateAuthority();
        var pem = IdentityTestCertificates.Csr().Pem;
        var der = Convert.FromBase64String(pem[PemEncoding.Find(pem).Base64Data]);
        der[^1] ^= 0x01;
        var tampered = new string(PemEncoding.Write("CERTIFICATE REQUEST", der));

        var error = await Assert.ThrowsAsync<CertificateRequestException>(() => ca.SignAsync(tampered, 0, _reviews, CancellationToken.None));
        Assert.Contains("not a valid PKCS#10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csr_WithAWeakRsaKey_IsRefused()
    {
        using var ca = CreateAuthority();
        using var weak = RSA.Create(1024);
        var csr = new CertificateRequest("CN=x", weak, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();

        var error = await Assert.ThrowsAsync<CertificateRequestException>(() => ca.SignAsync(csr, 0, _reviews, CancellationToken.None));
        Assert.Contains("2048", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NegativeTtl_IsRefused()
    {
        using var ca = CreateAuthority();
        await Assert.ThrowsAsync<CertificateRequestException>(() => ca.SignAsync(IdentityTestCertificates.Csr().Pem, -1, _reviews, CancellationToken.None));
    }

    [Fact]
    public async Task TrustDomain_IsConfigurable()
    {
        using var ca = CreateAuthority(new CertificateAuthorityOptions { TrustDomain = "corp.example" });
        var response = await ca.SignAsync(IdentityTestCertificates.Csr().Pem, 0, _reviews, CancellationToken.None);

        using var leaf = X509Certificate2.CreateFromPem(response.CertificateChainPem[0]);
        Assert.Equal(["spiffe://corp.example/ns/shop/sa/reviews"], IdentityTestCertificates.Names(leaf).Uris);
    }

    [Fact]
    public async Task ProvidedIntermediate_SignsLeaves_ChainCarriesIt_AndTheBundleIsTheRoot()
    {
        // An organisation's root, which (unlike the mesh's own, path length 0) may sign intermediates.
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Corp Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var root = rootRequest.CreateSelfSigned(_time.GetUtcNow().AddMinutes(-1), _time.GetUtcNow().AddDays(365));
        var rootPem = root.ExportCertificatePem();
        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Mesh Intermediate", intermediateKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var intermediate = request.Create(root, _time.GetUtcNow().AddMinutes(-1), _time.GetUtcNow().AddDays(30), [1, 2, 3]);
        var files = Write(("int.crt", intermediate.ExportCertificatePem()), ("int.key", intermediateKey.ExportPkcs8PrivateKeyPem()), ("root.crt", rootPem));

        using var ca = new CertificateAuthority(
            new ProvidedCaStore(files[0], files[1], files[2]), Options.Create(new CertificateAuthorityOptions()), _time, NullLogger<CertificateAuthority>.Instance);
        var response = await ca.SignAsync(IdentityTestCertificates.Csr().Pem, 0, _reviews, CancellationToken.None);

        Assert.Equal(2, response.CertificateChainPem.Count);
        Assert.Equal(intermediate.ExportCertificatePem(), response.CertificateChainPem[1]);
        Assert.Equal([root.ExportCertificatePem()], response.TrustBundlePem);
        using var leaf = X509Certificate2.CreateFromPem(response.CertificateChainPem[0]);
        Assert.True(IdentityTestCertificates.ChainsTo(leaf, [response.CertificateChainPem[1]], [rootPem], _time.GetUtcNow()));
    }

    [Fact]
    public void ProvidedCa_WhoseKeyDoesNotMatch_IsAUsageErrorWithoutKeyMaterial()
    {
        var (rootPem, _) = RootCertificateFactory.Create(_time.GetUtcNow(), TimeSpan.FromDays(365), "cluster.local");
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var files = Write(("ca.crt", rootPem), ("wrong.key", otherKey.ExportPkcs8PrivateKeyPem()));

        var error = Assert.Throws<ArgumentException>(() => new ProvidedCaStore(files[0], files[1], null));
        Assert.StartsWith("--ca-cert-file", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", error.Message, StringComparison.Ordinal);
    }

    private CertificateAuthority CreateAuthority(CertificateAuthorityOptions? options = null)
    {
        options ??= new CertificateAuthorityOptions();
        var store = new DirectoryCaStore(_directory.FullName, options, _time, NullLogger<DirectoryCaStore>.Instance);
        return new CertificateAuthority(store, Options.Create(options), _time, NullLogger<CertificateAuthority>.Instance);
    }

    private string[] Write(params (string Name, string Text)[] files)
        => files.Select(f =>
        {
            var path = Path.Combine(_directory.FullName, f.Name);
            File.WriteAllText(path, f.Text);
            return path;
        }).ToArray();
}
