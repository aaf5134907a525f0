using Google.Protobuf;
using Grpc.Core;

namespace Mesh.Api.V1;

/// <summary>
/// The methods of <c>mesh.v1.ConfigDiscovery</c> (discovery.proto) as descriptors a server binds itself. The
/// generated <see cref="ConfigDiscovery.ConfigDiscoveryClient"/> is the client; its descriptors are private, and the
/// operator's server needs them to bind a method with its own response marshaller.
/// </summary>
public static class ConfigDiscoveryMethods
{
    public static string ServiceName => ConfigDiscovery.Descriptor.FullName;

    /// <summary><c>rpc StreamConfig(stream ConfigRequest) returns (stream ConfigResponse)</c>.</summary>
    public static readonly Method<ConfigRequest, ConfigResponse> StreamConfig = new(
        MethodType.DuplexStreaming,
        ServiceName,
        "StreamConfig",
        ForProtobuf(ConfigRequest.Parser),
        ForProtobuf(ConfigResponse.Parser));

    /// <summary><c>rpc SignCertificate(SignCertificateRequest) returns (SignCertificateResponse)</c>.</summary>
    public static readonly Method<SignCertificateRequest, SignCertificateResponse> SignCertificate = new(
        MethodType.Unary,
        ServiceName,
        "SignCertificate",
        ForProtobuf(SignCertificateRequest.Parser),
        ForProtobuf(SignCertificateResponse.Parser));

    /// <summary>
    /// A protobuf marshaller with contextual serialization: the size goes first, so the transport can write the
    /// message straight into its output buffer instead of an intermediate array.
    /// </summary>
    public static Marshaller<T> ForProtobuf<T>(MessageParser<T> parser)
        where T : IMessage<T>, IBufferMessage
    {
        ArgumentNullException.ThrowIfNull(parser);
        return Marshallers.Create(
            static (message, context) =>
            {
                context.SetPayloadLength(message.CalculateSize());
                message.WriteTo(context.GetBufferWriter());
                context.Complete();
            },
            context => parser.ParseFrom(context.PayloadAsReadOnlySequence()));
    }
}
