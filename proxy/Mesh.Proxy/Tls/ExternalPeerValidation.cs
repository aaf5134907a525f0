using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Proxy.Tls;

/// <summary>
/// Checks the certificate of a server outside the mesh: a chain to the trusted roots, and a name. With
/// subjectAltNames one of them must be among the certificate's DNS or IP SANs (as Envoy's SAN matching); without,
/// the certificate must be valid for the SNI (the platform's host name check).
/// </summary>
internal static class ExternalPeerValidation
{
    /// <summary>Null when the server is accepted, else why not.</summary>
    public static string? Refusal(X509Certificate? certificate, SslPolicyErrors errors, string[] subjectAltNames)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return "no certificate";
        }

        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return "untrusted certificate";
        }

        if (subjectAltNames.Length == 0)
        {
            return (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 ? "certificate not valid for the SNI" : null;
        }

        // SslStream hands its callback an X509Certificate2.
        var san = (certificate as X509Certificate2)?.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null)
        {
            return "certificate has no subject alternative names";
        }

        foreach (var expected in subjectAltNames)
        {
            if (san.EnumerateDnsNames().Any(name => string.Equals(name, expected, StringComparison.OrdinalIgnoreCase)) ||
                (IPAddress.TryParse(expected, out var ip) && san.EnumerateIPAddresses().Contains(ip)))
            {
                return null;
            }
        }

        return "no expected subject alternative name";
    }
}
