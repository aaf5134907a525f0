using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Api.V1;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.Identity;

/// <summary>
/// Signs workload certificates. The CSR contributes only its public key (its proof of possession is checked); every
/// name in the certificate comes from the authenticated identity, so a proxy cannot ask to be someone else.
/// </summary>
internal sealed partial class CertificateAuthority : IDisposable
{
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string RsaPublicKeyOid = "1.2.840.113549.1.1.1";

    private readonly ICaStore _store;
    private readonly CertificateAuthorityOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CertificateAuthority> _logger;
    private readonly Lock _gate = new();
    private Task<CaKeyMaterial>? _loading;

    public CertificateAuthority(ICaStore store, IOptions<CertificateAuthorityOptions> options, TimeProvider time, ILogger<CertificateAuthority> logger)
    {
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public string TrustDomain => _options.TrustDomain;

    /// <summary>
    /// The key material, loaded (or generated) once. A failed load is not kept: the next call tries again, so an API
    /// server that was briefly away does not leave the CA broken.
    /// </summary>
    public Task<CaKeyMaterial> GetKeyMaterialAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_loading is null || _loading.IsFaulted || _loading.IsCanceled)
            {
                _loading = LoadAsync();
            }

            return _loading.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Issues a certificate for <paramref name="identity"/> over the CSR's key.</summary>
    /// <exception cref="CertificateRequestException">The CSR or the lifetime is not acceptable.</exception>
    public async Task<SignCertificateResponse> SignAsync(string csrPem, long ttlSeconds, WorkloadIdentity identity, CancellationToken cancellationToken)
    {
        var publicKey = ReadPublicKey(csrPem);
        var material = await GetKeyMaterialAsync(cancellationToken);
        var issuer = material.Issuer;

        var now = _time.GetUtcNow();
        var notBefore = now - _options.ClockSkewAllowance;
        var notAfter = now + Lifetime(ttlSeconds);
        if (notAfter > issuer.NotAfter)
        {
            notAfter = issuer.NotAfter;
        }

        var request = new CertificateRequest(new X500DistinguishedName(""), publicKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(identity.SpiffeId(_options.TrustDomain));

        // The subject is empty, so RFC 5280 §4.2.1.6 makes the name extension critical (as SPIFFE X.509-SVIDs do).
        request.CertificateExtensions.Add(names.Build(critical: true));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "serverAuth"), new Oid("1.3.6.1.5.5.7.3.2", "clientAuth")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(publicKey, false));
        if (issuer.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Any())
        {
            // A provided CA may lack the key identifier; chain building then matches by name alone.
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var leaf = request.Create(issuer, notBefore, notAfter, serial);
        LogIssued(identity.ToString(), leaf.SerialNumber, leaf.NotAfter.ToUniversalTime());

        var response = new SignCertificateResponse();
        response.CertificateChainPem.Add(leaf.ExportCertificatePem());
        response.CertificateChainPem.AddRange(material.ChainPem);
        response.TrustBundlePem.AddRange(material.TrustBundlePem);
        return response;
    }

    public void Dispose()
    {
        if (_loading is { IsCompletedSuccessfully: true } loaded)
        {
            loaded.Result.Dispose();
        }
    }

    private async Task<CaKeyMaterial> LoadAsync()
    {
        // Not the caller's token: one caller giving up must not fail the load others wait for.
        var material = await _store.LoadOrCreateAsync(CancellationToken.None);
        LogLoaded(_store.Description, material.Issuer.Subject, material.Issuer.NotAfter.ToUniversalTime());
        return material;
    }

    private TimeSpan Lifetime(long ttlSeconds)
    {
        if (ttlSeconds < 0)
        {
            throw new CertificateRequestException("ttl_seconds must not be negative (0 asks for the CA's default)");
        }

        var max = _options.MaxCertificateLifetime;
        return ttlSeconds == 0 || ttlSeconds >= max.TotalSeconds ? max : TimeSpan.FromSeconds(ttlSeconds);
    }

    private static PublicKey ReadPublicKey(string csrPem)
    {
        if (string.IsNullOrWhiteSpace(csrPem))
        {
            throw new CertificateRequestException("csr_pem is empty");
        }

        CertificateRequest csr;
        try
        {
            // Default options verify the CSR's signature: the caller holds the private key of what it wants certified.
            csr = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new CertificateRequestException($"csr_pem is not a valid PKCS#10 request: {ex.Message}", ex);
        }

        return IsStrongEnough(csr.PublicKey)
            ? csr.PublicKey
            : throw new CertificateRequestException("the CSR's key must be ECDSA (P-256 or larger) or RSA (2048 bits or more)");
    }

    private static bool IsStrongEnough(PublicKey key)
    {
        switch (key.Oid.Value)
        {
            case EcPublicKeyOid:
                using (var ec = key.GetECDsaPublicKey())
                {
                    return ec is { KeySize: >= 256 };
                }

            case RsaPublicKeyOid:
                using (var rsa = key.GetRSAPublicKey())
                {
                    return rsa is { KeySize: >= 2048 };
                }

            default:
                return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mesh CA loaded from {Store}: {Subject}, valid until {NotAfter:o}")]
    private partial void LogLoaded(string store, string subject, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Issued a workload certificate to {Identity} (serial {Serial}, valid until {NotAfter:o})")]
    private partial void LogIssued(string identity, string serial, DateTime notAfter);
}
