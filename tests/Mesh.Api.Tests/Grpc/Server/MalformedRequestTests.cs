using System.Net;
using Mesh.Api.Grpc;
using Mesh.Api.Tests.Echo.V1;
using Mesh.Api.Tests.Grpc.Infrastructure;
using Mesh.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Mesh.Api.Tests.Grpc.Server;

/// <summary>Hand-crafted bad requests get a clear HTTP or gRPC error and never take the server down.</summary>
public sealed class MalformedRequestTests : IAsyncLifetime
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);
    private TestGrpcServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await TestGrpcServer.StartAsync();
        _client = RawH2c.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData("application/grpcx")]
    public async Task NonGrpcContentType_Is415(string contentType)
    {
        using var request = RawH2c.Request(_server.Address, EchoMethods.Unary.FullName, new ByteArrayContent(RawH2c.Frame(new EchoRequest())), contentType);

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains(contentType, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrpcProtoContentType_IsServed()
    {
        using var request = RawH2c.Request(_server.Address, EchoMethods.Unary.FullName, new ByteArrayContent(RawH2c.Frame(new EchoRequest { Message = "p" })), "application/grpc+proto");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, (await RawH2c.ReadStatusAsync(response)).Code);
    }

    [Fact]
    public async Task Get_Is405()
    {
        using var response = await _client.GetAsync(_server.Address + EchoMethods.Unary.FullName);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("POST", response.Content.Headers.Allow.Single());
    }

    [Fact]
    public async Task Http11_Is426WithTheReason()
    {
        await using var http1Server = await TestGrpcServer.StartAsync(protocols: HttpProtocols.Http1);
        using var client = new HttpClient();
        using var request = RawH2c.Request(http1Server.Address, EchoMethods.Unary.FullName, new ByteArrayContent(RawH2c.Frame(new EchoRequest())));
        request.Version = HttpVersion.Version11;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Contains("HTTP/2", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TruncatedMessage_IsInternal()
    {
        // The prefix promises 100 bytes; the stream ends after 10.
        using var request = RawH2c.Request(_server.Address, EchoMethods.Unary.FullName, new ByteArrayContent(RawH2c.Frame(0, 100, new byte[10])));

        using var response = await _client.SendAsync(request);
        var (code, message) = await RawH2c.ReadStatusAsync(response);

        Assert.Equal((int)StatusCode.Internal, code);
        Assert.Contains("Incomplete message", message, StringComparison.Ordinal);
        await Eventually.AssertAsync(() => _server.ActiveCalls == 0, "the failed call is released", Settle);
    }

    [Fact]
    public async Task CompressedFlagWithoutEncoding_IsInternal()
    {
        var payload = new EchoRequest { Message = "x" }.ToByteArrayForTest();
        using var request = RawH2c.Request(_server.Address, EchoMethods.Unary.FullName, new ByteArrayContent(RawH2c.Frame(1, (uint)payload.Length, payload)));

        using var response = await _client.SendAsync(request);

        Assert.Equal((int)StatusCode.Internal, (await RawH2c.ReadStatusAsync(response)).Code);
    }

    [Fact]
    public async Task UnsupportedEncoding_IsUnimplementedAndAdvertisesIdentity()
    {
        using var request = RawH2c.Request(_server.Address, EchoMethods.Unary.FullName, new ByteArrayContent(RawH2c.Frame(new EchoRequest())));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");

        using var response = await _client.SendAsync(request);

        Assert.Equal((int)StatusCode.Unimplemented, (await RawH2c.ReadStatusAsync(response)).Code);
        Assert.Equal("identity", response.Headers.NonValidated["grpc-accept-encoding"].ToString());
    }

    [Fact]
    public async Task DeclaredLengthOverLimit_IsResourceExhaustedWithoutReadingThePayload()
    {
        // Only the prefix is sent: the limit is enforced on the declared length, before buffering anything.
        using var content = new StallingContent(RawH2c.Frame(0, 64 * 1024 * 1024, []));
        using var request = RawH2c.Request(_server.Address, EchoMethods.Bidi.FullName, content);

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var (code, _) = await RawH2c.ReadStatusAsync(response).WithTimeout("the status", Settle);

        Assert.Equal((int)StatusCode.ResourceExhausted, code);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("S")]
    [InlineData("10x")]
    [InlineData("123456789S")]
    [InlineData("-5S")]
    public async Task InvalidTimeout_IsInternal(string timeout)
    {
        using var request = RawH2c.Request(_server.Address, EchoMethods.Unary.FullName, new ByteArrayContent(RawH2c.Frame(new EchoRequest())));
        request.Headers.TryAddWithoutValidation("grpc-timeout", timeout);

        using var response = await _client.SendAsync(request);
        var (code, message) = await RawH2c.ReadStatusAsync(response);

        Assert.Equal((int)StatusCode.Internal, code);
        Assert.Contains("grpc-timeout", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1n")]
    [InlineData("100u")]
    [InlineData("200m")]
    public async Task ShortTimeout_EndsSlowCallWithDeadlineExceeded(string timeout)
    {
        using var request = RawH2c.Request(_server.Address, EchoMethods.Unary.FullName, new ByteArrayContent(RawH2c.Frame(new EchoRequest { DelayMs = 20_000 })));
        request.Headers.TryAddWithoutValidation("grpc-timeout", timeout);

        using var response = await _client.SendAsync(request);
        var (code, _) = await RawH2c.ReadStatusAsync(response).WithTimeout("the deadline", Settle);

        Assert.Equal((int)StatusCode.DeadlineExceeded, code);
    }

    [Fact]
    public async Task StalledClient_IsCutOffByTheDeadline()
    {
        // Half a message, then silence, with the body left open.
        using var content = new StallingContent(RawH2c.Frame(0, 100, new byte[10]));
        using var request = RawH2c.Request(_server.Address, EchoMethods.Bidi.FullName, content);
        request.Headers.TryAddWithoutValidation("grpc-timeout", "500m");

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var (code, _) = await RawH2c.ReadStatusAsync(response).WithTimeout("the deadline", Settle);

        Assert.Equal((int)StatusCode.DeadlineExceeded, code);
        await Eventually.AssertAsync(() => _server.ActiveCalls == 0, "the stalled call is released", Settle);
    }

    [Fact]
    public async Task GarbageProtobuf_IsInternal()
    {
        byte[] garbage = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        using var request = RawH2c.Request(_server.Address, EchoMethods.Unary.FullName, new ByteArrayContent(RawH2c.Frame(0, (uint)garbage.Length, garbage)));

        using var response = await _client.SendAsync(request);

        Assert.Equal((int)StatusCode.Internal, (await RawH2c.ReadStatusAsync(response)).Code);
    }

    [Fact]
    public async Task EmptyUnaryRequest_IsInternal()
    {
        using var request = RawH2c.Request(_server.Address, EchoMethods.Unary.FullName, new ByteArrayContent([]));

        using var response = await _client.SendAsync(request);

        Assert.Equal((int)StatusCode.Internal, (await RawH2c.ReadStatusAsync(response)).Code);
    }

    [Fact]
    public async Task ServerKeepsServingAfterBadRequests()
    {
        using (var bad = RawH2c.Request(_server.Address, EchoMethods.Unary.FullName, new ByteArrayContent(RawH2c.Frame(0, 100, new byte[3]))))
        using (var badResponse = await _client.SendAsync(bad))
        {
            Assert.Equal((int)StatusCode.Internal, (await RawH2c.ReadStatusAsync(badResponse)).Code);
        }

        using var channel = GrpcChannel.ForAddress(_server.Address);
        var reply = await channel.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest { Message = "still here" });

        Assert.Equal("still here", reply.Message);
    }
}
