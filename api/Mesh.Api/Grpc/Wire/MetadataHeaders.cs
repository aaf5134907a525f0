using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Mesh.Api.Grpc;

/// <summary>
/// Maps <see cref="Metadata"/> to HTTP/2 headers and back: <c>-bin</c> values travel as base64 (sent unpadded,
/// accepted either way); protocol headers (<c>grpc-*</c>, content-type, te, ...) are never exposed as metadata.
/// </summary>
internal static class MetadataHeaders
{
    public static void CopyTo(Metadata metadata, IHeaderDictionary headers)
    {
        foreach (var entry in metadata)
        {
            headers.Append(entry.Key, Encode(entry));
        }
    }

    public static void CopyTo(Metadata metadata, HttpHeaders headers)
    {
        foreach (var entry in metadata)
        {
            headers.TryAddWithoutValidation(entry.Key, Encode(entry));
        }
    }

    public static Metadata From(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers)
        {
            AddValues(metadata, key, values);
        }

        return metadata;
    }

    public static Metadata From(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers.NonValidated)
        {
            foreach (var value in values)
            {
                AddValue(metadata, key, value);
            }
        }

        return metadata;
    }

    private static void AddValues(Metadata metadata, string key, StringValues values)
    {
        foreach (var value in values)
        {
            AddValue(metadata, key, value ?? string.Empty);
        }
    }

    private static void AddValue(Metadata metadata, string key, string value)
    {
        if (IsProtocolHeader(key))
        {
            return;
        }

        var lowerKey = key.ToLowerInvariant();
        try
        {
            if (lowerKey.EndsWith(Metadata.BinaryHeaderSuffix, StringComparison.Ordinal))
            {
                // Several binary values may be joined by ',' in one header line.
                foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
                {
                    metadata.Add(lowerKey, DecodeBase64(part));
                }
            }
            else
            {
                metadata.Add(lowerKey, value);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            // A peer's header that is not valid gRPC metadata is dropped rather than failing the call.
        }
    }

    private static bool IsProtocolHeader(string key) =>
        key.StartsWith(':')
        || key.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase)
        || key.Equals("content-type", StringComparison.OrdinalIgnoreCase)
        || key.Equals("content-length", StringComparison.OrdinalIgnoreCase)
        || key.Equals("te", StringComparison.OrdinalIgnoreCase)
        || key.Equals("host", StringComparison.OrdinalIgnoreCase)
        || key.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase)
        || key.Equals("connection", StringComparison.OrdinalIgnoreCase);

    private static string Encode(Metadata.Entry entry) =>
        entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes).TrimEnd('=') : entry.Value;

    private static byte[] DecodeBase64(string value)
    {
        var padding = (4 - (value.Length % 4)) % 4;
        return Convert.FromBase64String(padding == 0 ? value : value + new string('=', padding));
    }
}
