using Google.Protobuf;
using Mesh.Api.Grpc;
using Mesh.Api.Tests.Echo.V1;
using Mesh.Api.Tests.Grpc.Infrastructure;
using Mesh.Testing;

namespace Mesh.Api.Tests.Grpc.Interop;

/// <summary>Our <see cref="GrpcChannel"/> as the client, @grpc/grpc-js (server.js) as the server.</summary>
public sealed class GrpcJsServerTests : IAsyncLifetime
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(20);
    private GrpcJsServer _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _server = await GrpcJsPeer.StartServerAsync();
        _channel = GrpcChannel.ForAddress(_server.Address);
    }

    public Task DisposeAsync()
    {
        _channel.Dispose();
        _server.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Unary_ReturnsReplyHeadersAndTrailers()
    {
        using var call = _channel.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest { Message = "hi", Payload = ByteString.CopyFrom(1, 2, 3) }, new CallOptions(Headers: RequestMetadata()));

        var reply = await call.ResponseAsync.WithTimeout("unary call", CallTimeout);

        Assert.Equal("hi", reply.Message);
        Assert.Equal([1, 2, 3], reply.Payload.ToByteArray());
        AssertEchoed(await call.ResponseHeadersAsync);
        AssertEchoed(call.GetTrailers());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ServerStreaming_ReadsEveryReplyThenOk()
    {
        using var call = _channel.AsyncServerStreamingCall(EchoMethods.ServerStream, new EchoRequest { Message = "s", ReplyCount = 5 });

        var replies = await ReadAllAsync(call.ResponseStream).WithTimeout("server stream", CallTimeout);

        Assert.Equal([0, 1, 2, 3, 4], replies.Select(r => r.Index));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ClientStreaming_SendsEveryRequest()
    {
        using var call = _channel.AsyncClientStreamingCall(EchoMethods.ClientStream);
        foreach (var size in new[] { 1, 10, 100, 1000 })
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Message = $"m{size}", Payload = EchoService.Pattern(size) });
        }

        await call.RequestStream.CompleteAsync();
        var reply = await call.ResponseAsync.WithTimeout("client stream", CallTimeout);

        Assert.Equal(4, reply.ReceivedCount);
        Assert.Equal(1111, reply.ReceivedBytes);
        Assert.Equal("m1000", reply.Message);
    }

    [Fact]
    public async Task Bidi_PingPongsEmptySmallMultiFrameAndOneMebibyteMessages()
    {
        using var call = _channel.AsyncDuplexStreamingCall(EchoMethods.Bidi, new CallOptions(Headers: RequestMetadata()));
        AssertEchoed(await call.ResponseHeadersAsync.WithTimeout("response headers before any request message", CallTimeout));

        foreach (var size in new[] { 0, 10, 100_000, 1024 * 1024 })
        {
            var payload = EchoService.Pattern(size);
            await call.RequestStream.WriteAsync(new EchoRequest { Message = $"p{size}", Payload = payload });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout($"echo of {size} bytes", CallTimeout));
            Assert.Equal(payload, call.ResponseStream.Current.Payload);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout("end of stream", CallTimeout));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        AssertEchoed(call.GetTrailers());
    }

    [Fact]
    public async Task Deadline_FailsWithDeadlineExceededAndServerSeesCancellation()
    {
        using var call = _channel.AsyncUnaryCall(
            EchoMethods.Unary,
            new EchoRequest { Message = "slow", DelayMs = 10_000 },
            new CallOptions(Deadline: DateTime.UtcNow.AddMilliseconds(1500)));

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WithTimeout("deadline", CallTimeout));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal(StatusCode.DeadlineExceeded, call.GetStatus().StatusCode);
        await _server.WaitForLineAsync(line => line.Contains("\"cancelled\"", StringComparison.Ordinal) && line.Contains("Unary", StringComparison.Ordinal), CallTimeout);
    }

    [Fact]
    public async Task Dispose_ResetsStreamAndServerSeesCancellation()
    {
        var call = _channel.AsyncDuplexStreamingCall(EchoMethods.Bidi);
        await call.RequestStream.WriteAsync(new EchoRequest { Message = "first" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout("first echo", CallTimeout));

        call.Dispose();

        await _server.WaitForLineAsync(line => line.Contains("\"cancelled\"", StringComparison.Ordinal) && line.Contains("Bidi", StringComparison.Ordinal), CallTimeout);
        Assert.Equal(StatusCode.Cancelled, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task CancellationToken_CancelsCallWithCancelled()
    {
        using var cancellation = new CancellationTokenSource();
        using var call = _channel.AsyncServerStreamingCall(EchoMethods.ServerStream, new EchoRequest { ReplyCount = 100, DelayMs = 200 }, new CallOptions(CancellationToken: cancellation.Token));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout("first reply", CallTimeout));

        await cancellation.CancelAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout("cancelled read", CallTimeout));
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await _server.WaitForLineAsync(line => line.Contains("\"cancelled\"", StringComparison.Ordinal) && line.Contains("ServerStream", StringComparison.Ordinal), CallTimeout);
    }

    [Fact]
    public async Task ErrorStatus_NonAsciiMessageRoundTripsExactly()
    {
        using var call = _channel.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest { FailCode = (int)StatusCode.FailedPrecondition, FailMessage = "résumé ✓ 失败" }, new CallOptions(Headers: RequestMetadata()));

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WithTimeout("failing call", CallTimeout));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("résumé ✓ 失败", error.Status.Detail);
        AssertEchoed(error.Trailers);
    }

    [Fact]
    public async Task UnknownMethod_IsUnimplemented()
    {
        var missing = new Method<EchoRequest, EchoReply>(MethodType.Unary, EchoMethods.ServiceName, "Nope", EchoMethods.Unary.RequestMarshaller, EchoMethods.Unary.ResponseMarshaller);
        using var call = _channel.AsyncUnaryCall(missing, new EchoRequest());

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WithTimeout("unknown method", CallTimeout));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task OversizedRequest_IsRejectedByGrpcJsWithResourceExhausted()
    {
        using var call = _channel.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest { Payload = ByteString.CopyFrom(new byte[5 * 1024 * 1024]) });

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WithTimeout("oversized request", CallTimeout));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task OversizedResponse_IsRejectedByOurReceiveLimit()
    {
        using var call = _channel.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest { ReplySize = 5 * 1024 * 1024 });

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WithTimeout("oversized response", CallTimeout));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task OversizedRequest_IsRejectedBeforeSendingByOurSendLimit()
    {
        using var limited = GrpcChannel.ForAddress(_server.Address, new GrpcChannelOptions { MaxSendMessageSize = 1024 });
        using var call = limited.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest { Payload = ByteString.CopyFrom(new byte[2048]) });

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WithTimeout("oversized request", CallTimeout));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    private static Metadata RequestMetadata() => new()
    {
        { "x-text", "hello-meta" },
        { "x-data-bin", [0, 1, 2, 253, 254, 255] },
    };

    private static void AssertEchoed(Metadata metadata)
    {
        Assert.Equal("hello-meta", metadata.GetValue("x-text"));
        Assert.Equal([0, 1, 2, 253, 254, 255], metadata.GetValueBytes("x-data-bin"));
    }

    private static async Task<List<EchoReply>> ReadAllAsync(IAsyncStreamReader<EchoReply> stream)
    {
        var replies = new List<EchoReply>();
        await foreach (var reply in stream.ReadAllAsync())
        {
            replies.Add(reply);
        }

        return replies;
    }
}
