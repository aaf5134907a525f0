using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Operator.WebhookTls;

/// <summary>Issues the self-managed CA and serving certificates (ECDSA P-256, SHA-256).</summary>
internal static class CertificateFactory
{
    /// <summary>Certificates start this much before "now" so that an API server whose clock lags still accepts them.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The DNS names the API server uses to call a webhook Service: short, namespaced, svc and FQDN forms.</summary>
    public static IReadOnlyList<string> ServiceDnsNames(string service, string @namespace) =>
        [service, $"{service}.{@namespace}", $"{service}.{@namespace}.svc", $"{service}.{@namespace}.svc.cluster.local"];

    public static X509Certificate2 CreateAuthority(string commonName, DateTimeOffset now, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(now - ClockSkew, now + lifetime);
    }

    /// <summary>A server-auth certificate for <paramref name="dnsNames"/> (the first is also its CN), signed by <paramref name="authority"/>.</summary>
    public static X509Certificate2 CreateServing(X509Certificate2 authority, IReadOnlyList<string> dnsNames, DateTimeOffset now, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = ServingRequest(key, dnsNames, ipAddresses: []);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var notAfter = now + lifetime < authority.NotAfter ? now + lifetime : new DateTimeOffset(authority.NotAfter);
        using var issued = request.Create(authority, now - ClockSkew, notAfter, SerialNumber());
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>A self-signed server certificate for local mode: localhost and the loopback addresses.</summary>
    public static X509Certificate2 CreateEphemeral(IReadOnlyList<string> dnsNames, DateTimeOffset now, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = ServingRequest(key, ["localhost", .. dnsNames], [IPAddress.Loopback, IPAddress.IPv6Loopback]);
        return request.CreateSelfSigned(now - ClockSkew, now + lifetime);
    }

    /// <summary>True when <paramref name="certificate"/> chains to <paramref name="authority"/> at <paramref name="at"/>.</summary>
    public static bool IsIssuedBy(X509Certificate2 certificate, X509Certificate2 authority, DateTimeOffset at)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        return chain.Build(certificate);
    }

    /// <summary>True when <paramref name="certificate"/> names every one of <paramref name="dnsNames"/>.</summary>
    public static bool Covers(X509Certificate2 certificate, IReadOnlyList<string> dnsNames)
    {
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return dnsNames.All(names.Contains);
    }

    private static CertificateRequest ServingRequest(ECDsa key, IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> ipAddresses)
    {
        var request = new CertificateRequest(new X500DistinguishedName($"CN={dnsNames[0]}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            names.AddDnsName(name);
        }

        foreach (var address in ipAddresses)
        {
            names.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(names.Build());
        return request;
    }

    private static byte[] SerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);

        // Positive: the top bit of a DER INTEGER is its sign.
        serial[0] &= 0x7F;
        return serial;
    }
}
