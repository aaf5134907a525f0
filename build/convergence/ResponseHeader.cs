using System.Buffers;
using System.Text;
using Grpc.Core;
using Mesh.Api.V1;

namespace Mesh.Convergence;

/// <summary>
/// What a simulated proxy reads of a ConfigResponse: version_info and nonce. The config (field 3) is skipped, not
/// parsed, so the harness's share of the 2 cores goes to the wire and not to building 1,000 ProxyConfig objects.
/// </summary>
internal sealed record ResponseHeader(string Version, string Nonce, long Size)
{
    /// <summary><c>mesh.v1.ConfigDiscovery/StreamConfig</c> with this reader for responses.</summary>
    public static readonly Method<ConfigRequest, ResponseHeader> StreamConfig = new(
        MethodType.DuplexStreaming,
        ConfigDiscoveryMethods.ServiceName,
        "StreamConfig",
        ConfigDiscoveryMethods.StreamConfig.RequestMarshaller,
        Marshallers.Create<ResponseHeader>(
            static (_, _) => throw new NotSupportedException("the harness never sends a response"),
            static context => Parse(context.PayloadAsReadOnlySequence())));

    private static ResponseHeader Parse(ReadOnlySequence<byte> payload)
    {
        var reader = new SequenceReader<byte>(payload);
        string version = "", nonce = "";
        while (!reader.End)
        {
            var tag = ReadVarint(ref reader);
            var field = tag >> 3;
            switch (tag & 7)
            {
                case 0:
                    ReadVarint(ref reader);
                    break;
                case 2:
                    var length = (long)ReadVarint(ref reader);
                    if (field is 1 or 2)
                    {
                        var text = Encoding.UTF8.GetString(reader.UnreadSequence.Slice(0, length));
                        (version, nonce) = field == 1 ? (text, nonce) : (version, text);
                    }

                    reader.Advance(length);
                    break;
                default:
                    throw new InvalidDataException($"unexpected wire type {tag & 7} in a ConfigResponse");
            }
        }

        return new ResponseHeader(version, nonce, payload.Length);
    }

    private static ulong ReadVarint(ref SequenceReader<byte> reader)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (!reader.TryRead(out var b))
            {
                throw new InvalidDataException("truncated varint in a ConfigResponse");
            }

            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("varint longer than 10 bytes in a ConfigResponse");
    }
}
