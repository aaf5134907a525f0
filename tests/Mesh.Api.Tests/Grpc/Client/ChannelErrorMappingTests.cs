using Mesh.Api.Grpc;
using Mesh.Api.Tests.Echo.V1;
using Mesh.Api.Tests.Grpc.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Tests.Grpc.Client;

/// <summary>Responses that are not gRPC, and servers that are not there, become statuses (http-grpc-status-mapping.md).</summary>
public sealed class ChannelErrorMappingTests
{
    private static Method<EchoRequest, EchoReply> At(string service, string name) =>
        new(MethodType.Unary, service, name, EchoMethods.Unary.RequestMarshaller, EchoMethods.Unary.ResponseMarshaller);

    [Theory]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(403, StatusCode.PermissionDenied)]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(500, StatusCode.Unknown)]
    public async Task NonOkHttpStatus_MapsToGrpcStatus(int httpStatus, StatusCode expected)
    {
        await using var server = await TestGrpcServer.StartAsync(mapMore: endpoints =>
            endpoints.MapPost("/plain.Http/Status", context =>
            {
                context.Response.StatusCode = httpStatus;
                return Task.CompletedTask;
            }));
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await channel.AsyncUnaryCall(At("plain.Http", "Status"), new EchoRequest()));

        Assert.Equal(expected, error.StatusCode);
    }

    [Fact]
    public async Task OkWithNonGrpcContentType_IsInternal()
    {
        await using var server = await TestGrpcServer.StartAsync(mapMore: endpoints =>
            endpoints.MapPost("/plain.Http/Html", context =>
            {
                context.Response.ContentType = "text/html";
                return context.Response.WriteAsync("<html></html>");
            }));
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await channel.AsyncUnaryCall(At("plain.Http", "Html"), new EchoRequest()));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("text/html", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnaryEndingOkWithoutResponse_IsInternal()
    {
        await using var server = await TestGrpcServer.StartAsync(mapMore: endpoints =>
            endpoints.MapPost("/plain.Http/Empty", context =>
            {
                context.Response.ContentType = "application/grpc";
                context.Response.Headers["grpc-status"] = "0";
                return Task.CompletedTask;
            }));
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var call = channel.AsyncUnaryCall(At("plain.Http", "Empty"), new EchoRequest());

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal(StatusCode.Internal, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task NoServer_IsUnavailable()
    {
        string address;
        await using (var server = await TestGrpcServer.StartAsync())
        {
            address = server.Address;
        }

        using var channel = GrpcChannel.ForAddress(address);
        using var call = channel.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest());

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(StatusCode.Unavailable, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task DeadlineAlreadyPassed_FailsWithoutSending()
    {
        await using var server = await TestGrpcServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await channel.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest(), new CallOptions(Deadline: DateTime.UtcNow.AddSeconds(-1))));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal(0, server.ActiveCalls);
    }

    [Fact]
    public async Task GetStatus_WhileRunning_Throws()
    {
        await using var server = await TestGrpcServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var call = channel.AsyncDuplexStreamingCall(EchoMethods.Bidi);

        Assert.Throws<InvalidOperationException>(() => call.GetStatus());
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }
}
