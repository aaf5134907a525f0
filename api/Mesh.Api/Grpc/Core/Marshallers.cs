using Google.Protobuf;

namespace Mesh.Api.Grpc;

/// <summary>Factory for the marshallers of generated protobuf messages.</summary>
public static class Marshallers
{
    public static Marshaller<T> ForProtobuf<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(parser);
        return new Marshaller<T>(
            static message => message.CalculateSize(),
            static (message, destination) => message.WriteTo(destination),
            parser.ParseFrom);
    }
}
