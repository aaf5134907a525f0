using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Operator.Tests.Identity;

/// <summary>CSRs as a proxy (or an attacker) would send them, and readers for what the CA put in a certificate.</summary>
internal static class IdentityTestCertificates
{
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    /// <summary>A CSR over a fresh P-256 key that asks for <paramref name="uris"/> and <paramref name="dnsNames"/>.</summary>
    public static (ECDsa Key, string Pem) Csr(string subject = "CN=mesh-proxy", IEnumerable<string>? uris = null, IEnumerable<string>? dnsNames = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        var any = false;
        foreach (var uri in uris ?? [])
        {
            names.AddUri(new Uri(uri));
            any = true;
        }

        foreach (var dns in dnsNames ?? [])
        {
            names.AddDnsName(dns);
            any = true;
        }

        if (any)
        {
            request.CertificateExtensions.Add(names.Build());
        }

        return (key, request.CreateSigningRequestPem());
    }

    /// <summary>Every URI and DNS name in the subjectAltName extension.</summary>
    public static (List<string> Uris, List<string> DnsNames) Names(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions["2.5.29.17"] ?? throw new InvalidOperationException("no subjectAltName");
        var uris = new List<string>();
        var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
        while (reader.HasData)
        {
            if (reader.PeekTag().HasSameClassAndValue(UriTag))
            {
                uris.Add(reader.ReadCharacterString(UniversalTagNumber.IA5String, UriTag));
            }
            else
            {
                reader.ReadEncodedValue();
            }
        }

        return (uris, ((X509SubjectAlternativeNameExtension)extension).EnumerateDnsNames().ToList());
    }

    public static bool ChainsTo(X509Certificate2 leaf, IEnumerable<string> intermediatePem, IEnumerable<string> rootPem, DateTimeOffset at)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        foreach (var pem in rootPem)
        {
            chain.ChainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(pem));
        }

        foreach (var pem in intermediatePem)
        {
            chain.ChainPolicy.ExtraStore.Add(X509Certificate2.CreateFromPem(pem));
        }

        return chain.Build(leaf);
    }
}
