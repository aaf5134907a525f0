using System.Buffers.Text;
using System.Text.Json;

namespace Mesh.Operator.Identity;

/// <summary>
/// The <c>exp</c> claim of a JWT, read without verifying it: only to stop caching an answer the API server already
/// gave about this token once the token expires. Nothing else trusts what this reads.
/// </summary>
internal static class JwtExpiry
{
    /// <summary>The expiry, or null when the token is not a JWT or carries no numeric <c>exp</c>.</summary>
    public static DateTimeOffset? Read(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[1].Length is 0 or > 16 * 1024)
        {
            return null;
        }

        var payload = new byte[Base64Url.GetMaxDecodedLength(parts[1].Length)];
        if (Base64Url.DecodeFromChars(parts[1], payload, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(payload.AsSpan(0, written));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isExp = reader.ValueTextEquals("exp"u8);
                reader.Read();
                if (isExp)
                {
                    return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var seconds)
                        && seconds is > 0 and < 253402300800
                        ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                        : null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}
