using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Proxy.Authorization;

/// <summary>Reads the SPIFFE id from a certificate's URI subject alternative name (RFC 5280 §4.2.1.6).</summary>
internal static class SpiffeCertificate
{
    private const string SubjectAltNameOid = "2.5.29.17";
    private const string Scheme = "spiffe://";

    // GeneralName ::= CHOICE { ... uniformResourceIdentifier [6] IA5String ... }
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    /// <summary>The first <c>spiffe://</c> URI SAN without its scheme; null when there is none or the extension is malformed.</summary>
    public static string? PrincipalOf(X509Certificate2 certificate)
    {
        if (certificate.Extensions[SubjectAltNameOid] is not { } extension)
        {
            return null;
        }

        try
        {
            var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
            var names = reader.ReadSequence();
            while (names.HasData)
            {
                if (names.PeekTag() == UriTag)
                {
                    var uri = names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag);
                    if (uri.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && uri.Length > Scheme.Length)
                    {
                        return uri[Scheme.Length..];
                    }
                }
                else
                {
                    names.ReadEncodedValue();
                }
            }
        }
        catch (AsnContentException)
        {
            // A SAN the TLS stack accepted but that is not valid DER gives no identity rather than a failed request.
        }

        return null;
    }
}
