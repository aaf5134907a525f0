namespace Mesh.Operator.Delta;

/// <summary>
/// Walks the top-level fields of a serialized protobuf message without parsing it, so an encoded cluster can be
/// versioned in two parts (its endpoints, and the rest) from the bytes that are sent anyway.
/// </summary>
internal static class WireFields
{
    /// <summary>
    /// The length of the field (tag included) at the start of <paramref name="data"/>, and its field number.
    /// <paramref name="payloadStart"/> is where a length-delimited field's bytes start (its whole length otherwise).
    /// </summary>
    public static int Next(ReadOnlySpan<byte> data, out int fieldNumber, out int payloadStart)
    {
        var offset = 0;
        var tag = ReadVarint(data, ref offset);
        fieldNumber = checked((int)(tag >> 3));
        switch (tag & 7)
        {
            case 0:
                ReadVarint(data, ref offset);
                payloadStart = offset;
                return offset;
            case 1:
                payloadStart = offset;
                return offset + 8;
            case 2:
                var length = checked((int)ReadVarint(data, ref offset));
                payloadStart = offset;
                return offset + length;
            case 5:
                payloadStart = offset;
                return offset + 4;
            default:
                throw new FormatException($"unsupported wire type {tag & 7}");
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int offset)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = data[offset++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("varint longer than 10 bytes");
    }
}
