using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Proxy.Identity;

/// <summary>Reads the URI names of a certificate's subjectAltName (.NET's extension type exposes only DNS and IP names).</summary>
internal static class SpiffeUri
{
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    /// <summary>The first <c>spiffe://</c> URI SAN, or null.</summary>
    public static string? Of(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions["2.5.29.17"];
        if (extension is null)
        {
            return null;
        }

        var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
        while (names.HasData)
        {
            if (names.PeekTag().HasSameClassAndValue(UriTag))
            {
                var uri = names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag);
                if (uri.StartsWith("spiffe://", StringComparison.Ordinal))
                {
                    return uri;
                }
            }
            else
            {
                names.ReadEncodedValue();
            }
        }

        return null;
    }
}
