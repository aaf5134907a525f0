using System.Text.Json;
using Mesh.Api.Grpc;
using Mesh.Api.Tests.Grpc.Infrastructure;
using Mesh.Testing;

namespace Mesh.Api.Tests.Grpc.Interop;

/// <summary>@grpc/grpc-js (client.js) as the client, our Kestrel server as the server.</summary>
public sealed class GrpcJsClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);
    private TestGrpcServer _server = null!;

    public async Task InitializeAsync() => _server = await TestGrpcServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Unary_EchoesMessageAndMetadataInHeadersAndTrailers()
    {
        var result = await GrpcJsPeer.RunClientAsync(_server.Target, "unary");

        Assert.Equal(0, result.GetProperty("code").GetInt32());
        var reply = Assert.Single(result.GetProperty("replies").EnumerateArray());
        Assert.Equal("hi", reply.GetProperty("message").GetString());
        Assert.Equal(Convert.ToBase64String([1, 2, 3]), reply.GetProperty("payloadBase64").GetString());
        AssertEchoedMetadata(result.GetProperty("headers"));
        AssertEchoedMetadata(result.GetProperty("trailers"));
    }

    [Fact]
    public async Task ServerStreaming_DeliversEveryReplyInOrder()
    {
        var result = await GrpcJsPeer.RunClientAsync(_server.Target, "server-stream");

        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal([0, 1, 2, 3, 4], result.GetProperty("replies").EnumerateArray().Select(r => r.GetProperty("index").GetInt32()));
        AssertEchoedMetadata(result.GetProperty("trailers"));
    }

    [Fact]
    public async Task ClientStreaming_ReceivesEveryRequest()
    {
        var result = await GrpcJsPeer.RunClientAsync(_server.Target, "client-stream");

        Assert.Equal(0, result.GetProperty("code").GetInt32());
        var reply = Assert.Single(result.GetProperty("replies").EnumerateArray());
        Assert.Equal(4, reply.GetProperty("receivedCount").GetInt32());
        Assert.Equal("1111", reply.GetProperty("receivedBytes").GetString());
        Assert.Equal("m1000", reply.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Bidi_PingPongsEmptySmallMultiFrameAndOneMebibyteMessages()
    {
        var result = await GrpcJsPeer.RunClientAsync(_server.Target, "bidi-sizes");

        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal(4, result.GetProperty("replies").GetInt32());
        Assert.All(result.GetProperty("matched").EnumerateArray(), matched => Assert.True(matched.GetBoolean()));
        AssertEchoedMetadata(result.GetProperty("headers"));
    }

    [Fact]
    public async Task Deadline_EndsCallWithDeadlineExceededAndCancelsHandler()
    {
        var result = await GrpcJsPeer.RunClientAsync(_server.Target, "deadline");

        Assert.Equal((int)StatusCode.DeadlineExceeded, result.GetProperty("code").GetInt32());
        await Eventually.AssertAsync(() => _server.Echo.CancelledCalls == 1, "the handler's token fires at the grpc-timeout deadline", Settle);
        await Eventually.AssertAsync(() => _server.ActiveCalls == 0, "the call is released", Settle);
    }

    [Fact]
    public async Task ClientCancel_FiresHandlerCancellationToken()
    {
        var result = await GrpcJsPeer.RunClientAsync(_server.Target, "cancel-bidi");

        Assert.Equal((int)StatusCode.Cancelled, result.GetProperty("code").GetInt32());
        await Eventually.AssertAsync(() => _server.Echo.CancelledCalls == 1, "RST_STREAM from grpc-js cancels the handler", Settle);
        await Eventually.AssertAsync(() => _server.ActiveCalls == 0, "the cancelled call is released", Settle);
    }

    [Fact]
    public async Task ErrorStatus_NonAsciiMessageRoundTripsExactly()
    {
        var result = await GrpcJsPeer.RunClientAsync(_server.Target, "error-status");

        Assert.Equal((int)StatusCode.FailedPrecondition, result.GetProperty("code").GetInt32());
        Assert.Equal("résumé ✓ 失败", result.GetProperty("details").GetString());
        AssertEchoedMetadata(result.GetProperty("trailers"));
    }

    [Theory]
    [InlineData("unknown-method")]
    [InlineData("unknown-service")]
    public async Task UnmappedMethod_IsUnimplemented(string scenario)
    {
        var result = await GrpcJsPeer.RunClientAsync(_server.Target, scenario);

        Assert.Equal((int)StatusCode.Unimplemented, result.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task OversizedRequest_IsResourceExhausted()
    {
        var result = await GrpcJsPeer.RunClientAsync(_server.Target, "oversized-request");

        Assert.Equal((int)StatusCode.ResourceExhausted, result.GetProperty("code").GetInt32());
        await Eventually.AssertAsync(() => _server.ActiveCalls == 0, "the rejected call is released", Settle);
    }

    [Fact]
    public async Task OversizedResponse_IsRejectedByGrpcJsReceiveLimit()
    {
        var result = await GrpcJsPeer.RunClientAsync(_server.Target, "oversized-response");

        Assert.Equal((int)StatusCode.ResourceExhausted, result.GetProperty("code").GetInt32());
    }

    private static void AssertEchoedMetadata(JsonElement metadata)
    {
        Assert.Equal("hello-meta", metadata.GetProperty("x-text").GetString());
        Assert.Equal("base64:" + Convert.ToBase64String([0, 1, 2, 253, 254, 255]), metadata.GetProperty("x-data-bin").GetString());
    }
}
