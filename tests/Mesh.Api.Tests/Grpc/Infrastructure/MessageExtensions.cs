using Google.Protobuf;

namespace Mesh.Api.Tests.Grpc.Infrastructure;

internal static class MessageExtensions
{
    public static byte[] ToByteArrayForTest(this IMessage message) => message.ToByteArray();
}
