using System.Buffers;
using System.Security.Cryptography;
using Google.Protobuf;

namespace Mesh.Operator.Compiler;

/// <summary>
/// Messages encoded as one length-delimited field (tag, length, bytes), exactly as their parent's <c>WriteTo</c>
/// writes them. A serialized message is the concatenation of its fields' encodings, so a ProxyConfig can be written
/// from parts encoded once and shared by every proxy that carries them.
/// </summary>
internal static class FieldEncoding
{
    /// <summary>The field encoding of <paramref name="message"/>; <paramref name="prefixLength"/> bytes precede the message's own.</summary>
    public static byte[] Encode(int fieldNumber, IMessage message, out int prefixLength)
    {
        var size = message.CalculateSize();
        var tag = WireFormat.MakeTag(fieldNumber, WireFormat.WireType.LengthDelimited);
        prefixLength = CodedOutputStream.ComputeRawVarint32Size(tag) + CodedOutputStream.ComputeLengthSize(size);
        var buffer = new byte[prefixLength + size];
        var output = new CodedOutputStream(buffer);
        output.WriteTag(tag);
        output.WriteLength(size);
        message.WriteTo(output);
        output.CheckNoSpaceLeft();
        return buffer;
    }

    /// <summary>
    /// The field encodings of <paramref name="messages"/> one after the other (a repeated field), and
    /// <paramref name="hash"/>: the SHA-256 of the messages written one after the other, each preceded by its length
    /// (the encoding without the tags), taken from the encoding instead of serializing them a second time.
    /// </summary>
    public static byte[] EncodeAll(int fieldNumber, IReadOnlyList<IMessage> messages, out byte[] hash)
    {
        var tag = WireFormat.MakeTag(fieldNumber, WireFormat.WireType.LengthDelimited);
        var tagSize = CodedOutputStream.ComputeRawVarint32Size(tag);
        var sizes = new int[messages.Count];
        var total = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            sizes[i] = messages[i].CalculateSize();
            total += tagSize + CodedOutputStream.ComputeLengthSize(sizes[i]) + sizes[i];
        }

        var buffer = new byte[total];
        var output = new CodedOutputStream(buffer);
        for (var i = 0; i < messages.Count; i++)
        {
            output.WriteTag(tag);
            output.WriteLength(sizes[i]);
            messages[i].WriteTo(output);
        }

        output.CheckNoSpaceLeft();

        // The hashed bytes gathered first and hashed in one call: an incremental update per message costs a call
        // into OpenSSL each (4,000 per compile at 1,000 services).
        var untagged = ArrayPool<byte>.Shared.Rent(total - (messages.Count * tagSize));
        var offset = 0;
        var at = 0;
        foreach (var size in sizes)
        {
            var length = CodedOutputStream.ComputeLengthSize(size) + size;
            buffer.AsSpan(offset + tagSize, length).CopyTo(untagged.AsSpan(at));
            at += length;
            offset += tagSize + length;
        }

        hash = SHA256.HashData(untagged.AsSpan(0, at));
        ArrayPool<byte>.Shared.Return(untagged);
        return buffer;
    }
}
