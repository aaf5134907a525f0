namespace Mesh.Api.Grpc;

/// <summary>Names and values from grpc/grpc doc/PROTOCOL-HTTP2.md.</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string TeHeader = "te";
    public const string TeTrailers = "trailers";
    public const string IdentityEncoding = "identity";
    public const string UserAgent = "mesh-grpc/1.0";

    /// <summary>The 5-byte prefix of every message: a compressed flag and a big-endian uint32 length.</summary>
    public const int MessagePrefixLength = 5;

    /// <summary>
    /// True for <c>application/grpc</c> and its <c>+format</c> / <c>;parameter</c> variants
    /// (<c>application/grpc+proto</c>, <c>application/grpc; charset=...</c>).
    /// </summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (contentType.Length == ContentType.Length)
        {
            return true;
        }

        var next = contentType[ContentType.Length];
        return next is '+' or ';';
    }

    /// <summary>True when the request or response declares no compression (absent or <c>identity</c>).</summary>
    public static bool IsIdentityEncoding(string? encoding) =>
        string.IsNullOrEmpty(encoding) || string.Equals(encoding, IdentityEncoding, StringComparison.OrdinalIgnoreCase);
}
