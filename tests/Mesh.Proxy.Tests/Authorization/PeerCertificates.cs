using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Proxy.Tests.Authorization;

/// <summary>
/// Stand-ins for verified client certificates: self-signed, with the SANs a mesh workload certificate carries.
/// Engine tests resolve the peer from these exactly as the inbound listener does from the TLS connection.
/// </summary>
internal static class PeerCertificates
{
    private static readonly ConcurrentDictionary<string, X509Certificate2> Cache = new(StringComparer.Ordinal);

    /// <summary>A workload certificate with the URI SAN <c>spiffe://PRINCIPAL</c> (and a DNS SAN, which must be ignored).</summary>
    public static X509Certificate2 Workload(string principal) =>
        Cache.GetOrAdd(principal, p => Create(san =>
        {
            san.AddDnsName("workload.example");
            san.AddUri(new Uri("spiffe://" + p));
        }));

    public static X509Certificate2 Create(Action<SubjectAlternativeNameBuilder> names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=peer", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        names(san);
        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));
    }
}
