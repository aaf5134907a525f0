using System.Buffers;
using System.Text;
using Grpc.Core;
using Mesh.Api.V1;

namespace Mesh.Convergence;

/// <summary>
/// What a simulated proxy reads of a ConfigResponse: version_info, nonce and, on a delta, the ConfigDelta and the
/// changed resources. A whole config (field 3 without field 4) is skipped, not parsed, so the harness's share of the
/// 2 cores goes to the wire and not to building 1,000 ProxyConfig objects; a delta is small and is parsed.
/// </summary>
internal sealed record ResponseHeader(string Version, string Nonce, long Size, ConfigDelta? Delta = null, ProxyConfig? Changes = null)
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
        ReadOnlySequence<byte> config = default;
        ConfigDelta? delta = null;
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
                    else if (field == 3)
                    {
                        config = reader.UnreadSequence.Slice(0, length);
                    }
                    else if (field == 4)
                    {
                        delta = ConfigDelta.Parser.ParseFrom(reader.UnreadSequence.Slice(0, length));
                    }

                    reader.Advance(length);
                    break;
                default:
                    throw new InvalidDataException($"unexpected wire type {tag & 7} in a ConfigResponse");
            }
        }

        return delta is null
            ? new ResponseHeader(version, nonce, payload.Length)
            : new ResponseHeader(version, nonce, payload.Length, delta, ProxyConfig.Parser.ParseFrom(config));
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
