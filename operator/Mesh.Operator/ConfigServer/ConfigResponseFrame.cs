using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using Mesh.Api.V1;

namespace Mesh.Operator.ConfigServer;

/// <summary>
/// A ConfigResponse as the server writes it: version_info and nonce are encoded per response, the config (field 3)
/// is written from its shared payload, so a push never serializes the config again; an incremental response also
/// carries its pre-encoded ConfigDelta (field 4, <paramref name="DeltaField"/>, tag included; empty on whole configs). On the wire it is exactly a
/// ConfigResponse; <see cref="StreamConfig"/> is <c>mesh.v1.ConfigDiscovery/StreamConfig</c> with this as its
/// response type. Its marshaller sets the payload length before asking for the buffer writer, which lets
/// Grpc.AspNetCore write the message straight into the response's pipe (no per-proxy array of the whole config).
/// </summary>
internal sealed record ConfigResponseFrame(string VersionInfo, string Nonce, IProxyConfigPayload Config, ReadOnlyMemory<byte> DeltaField = default)
{
    private static readonly uint ConfigTag = WireFormat.MakeTag(ConfigResponse.ConfigFieldNumber, WireFormat.WireType.LengthDelimited);

    public static readonly Method<ConfigRequest, ConfigResponseFrame> StreamConfig = new(
        MethodType.DuplexStreaming,
        ConfigDiscoveryMethods.ServiceName,
        ConfigDiscoveryMethods.StreamConfig.Name,
        ConfigDiscoveryMethods.StreamConfig.RequestMarshaller,
        Marshallers.Create<ConfigResponseFrame>(Serialize, static context => Parse(context.PayloadAsReadOnlySequence())));

    public int CalculateSize() =>
        Header.CalculateSize()
        + CodedOutputStream.ComputeRawVarint32Size(ConfigTag)
        + CodedOutputStream.ComputeLengthSize(Config.Length)
        + Config.Length
        + DeltaField.Length;

    public bool IsDelta => !DeltaField.IsEmpty;

    public void WriteTo(IBufferWriter<byte> destination)
    {
        Header.WriteTo(destination);
        Span<byte> prefix = stackalloc byte[10];
        destination.Write(prefix[..WritePrefix(prefix, Config.Length)]);
        Config.WriteTo(destination);
        destination.Write(DeltaField.Span);
    }

    private static void Serialize(ConfigResponseFrame frame, SerializationContext context)
    {
        var size = frame.CalculateSize();
        context.SetPayloadLength(size);
        var transport = context.GetBufferWriter();

        // The whole message into one buffer asked for at once: Kestrel's stream pipe then holds it as one segment
        // (a buffer larger than its pool's blocks is rented from the array pool and returned once sent) instead of
        // ~330 pooled 4 KB blocks, whose segment objects each long-lived stream's pipe would keep pooled (up to 256)
        // after the write (build/convergence/README.md).
        var whole = new FixedBufferWriter(transport.GetMemory(size)[..size]);
        frame.WriteTo(whole);
        transport.Advance(whole.Written);
        context.Complete();
    }

    private ConfigResponse Header => new() { VersionInfo = VersionInfo, Nonce = Nonce };

    private static ConfigResponseFrame Parse(ReadOnlySequence<byte> payload)
    {
        var response = ConfigResponse.Parser.ParseFrom(payload);
        var delta = response.Delta is null ? [] : new ConfigResponse { Delta = response.Delta }.ToByteArray();
        return new ConfigResponseFrame(response.VersionInfo, response.Nonce, new MessagePayload(response.Config ?? new ProxyConfig(), response.VersionInfo), delta);
    }

    // Field 3's tag and length as varints (at most 5 bytes each).
    private static int WritePrefix(Span<byte> destination, int length)
    {
        var written = 0;
        foreach (var value in (ReadOnlySpan<uint>)[ConfigTag, (uint)length])
        {
            var rest = value;
            while (rest >= 0x80)
            {
                destination[written++] = (byte)(rest | 0x80);
                rest >>= 7;
            }

            destination[written++] = (byte)rest;
        }

        return written;
    }
}
