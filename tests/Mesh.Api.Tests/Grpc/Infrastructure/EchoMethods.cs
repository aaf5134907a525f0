using Mesh.Api.Grpc;
using Mesh.Api.Tests.Echo.V1;

namespace Mesh.Api.Tests.Grpc.Infrastructure;

/// <summary>Descriptors of test.v1.Echo (Protos/test/v1/echo.proto).</summary>
internal static class EchoMethods
{
    public const string ServiceName = "test.v1.Echo";

    private static readonly Marshaller<EchoRequest> RequestMarshaller = Marshallers.ForProtobuf(EchoRequest.Parser);
    private static readonly Marshaller<EchoReply> ReplyMarshaller = Marshallers.ForProtobuf(EchoReply.Parser);

    public static readonly Method<EchoRequest, EchoReply> Unary = new(MethodType.Unary, ServiceName, "Unary", RequestMarshaller, ReplyMarshaller);

    public static readonly Method<EchoRequest, EchoReply> ServerStream = new(MethodType.ServerStreaming, ServiceName, "ServerStream", RequestMarshaller, ReplyMarshaller);

    public static readonly Method<EchoRequest, EchoReply> ClientStream = new(MethodType.ClientStreaming, ServiceName, "ClientStream", RequestMarshaller, ReplyMarshaller);

    public static readonly Method<EchoRequest, EchoReply> Bidi = new(MethodType.DuplexStreaming, ServiceName, "Bidi", RequestMarshaller, ReplyMarshaller);
}
