using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Proxy.Identity;

/// <summary>Reads a workload's SPIFFE identity from the URI SAN of its certificate.</summary>
internal static class SpiffeId
{
    public const string Scheme = "spiffe://";

    private const string SubjectAltNameOid = "2.5.29.17";
    private static readonly Asn1Tag UriName = new(TagClass.ContextSpecific, 6);

    /// <summary>The principal (<c>cluster.local/ns/NS/sa/SA</c>, the first <c>spiffe://</c> URI SAN without its scheme), or null.</summary>
    public static string? Principal(X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value == SubjectAltNameOid)
            {
                return FirstSpiffeUri(extension.RawData);
            }
        }

        return null;
    }

    /// <summary>Accepts both spellings config uses for an identity, with and without <c>spiffe://</c>.</summary>
    public static string WithoutScheme(string identity) =>
        identity.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? identity[Scheme.Length..] : identity;

    private static string? FirstSpiffeUri(byte[] extension)
    {
        try
        {
            var names = new AsnReader(extension, AsnEncodingRules.DER).ReadSequence();
            while (names.HasData)
            {
                if (names.PeekTag() == UriName)
                {
                    var uri = names.ReadCharacterString(UniversalTagNumber.IA5String, UriName);
                    if (uri.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
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
            // A malformed SAN carries no identity the mesh can trust.
        }

        return null;
    }
}
