using Google.Protobuf;
using Mesh.Api.Grpc;
using Mesh.Api.Tests.Echo.V1;
using Mesh.Api.Tests.Grpc.Infrastructure;
using Mesh.Testing;

namespace Mesh.Api.Tests.Grpc.Server;

/// <summary>The message limits configured through <c>AddGrpcWire</c> are the ones enforced.</summary>
public sealed class GrpcServerOptionsTests
{
    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var options = new GrpcServerOptions();

        Assert.Equal(4 * 1024 * 1024, options.MaxReceiveMessageSize);
        Assert.Null(options.MaxSendMessageSize);
    }

    [Fact]
    public async Task MaxReceiveMessageSize_RejectsLargerRequests()
    {
        await using var server = await TestGrpcServer.StartAsync(options => options.MaxReceiveMessageSize = 1024);
        using var channel = GrpcChannel.ForAddress(server.Address);

        var small = await channel.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest { Payload = ByteString.CopyFrom(new byte[512]) });
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest { Payload = ByteString.CopyFrom(new byte[2048]) }));

        Assert.Equal(512, small.Payload.Length);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task MaxSendMessageSize_FailsLargerResponses()
    {
        await using var server = await TestGrpcServer.StartAsync(options => options.MaxSendMessageSize = 1024);
        using var channel = GrpcChannel.ForAddress(server.Address);

        var unary = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest { ReplySize = 4096 }));
        using var streaming = channel.AsyncServerStreamingCall(EchoMethods.ServerStream, new EchoRequest { ReplySize = 4096, ReplyCount = 1 });
        var streamed = await Assert.ThrowsAsync<RpcException>(() => streaming.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.ResourceExhausted, unary.StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, streamed.StatusCode);
        await Eventually.AssertAsync(() => server.ActiveCalls == 0, "failed calls are released", TimeSpan.FromSeconds(10));
    }
}
