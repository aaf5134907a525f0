using System.Net.Sockets;
using Mesh.Api.Grpc;
using Mesh.Api.Tests.Echo.V1;
using Mesh.Api.Tests.Grpc.Infrastructure;
using Mesh.Testing;
using Microsoft.AspNetCore.Builder;

namespace Mesh.Api.Tests.Grpc.Server;

/// <summary>Calls end cleanly whatever happens to them: vanished clients, failing handlers, many mixed calls.</summary>
public sealed class CallLifecycleTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    private static readonly Method<EchoRequest, EchoReply> Throws = new(
        MethodType.Unary, EchoMethods.ServiceName, "Throws", EchoMethods.Unary.RequestMarshaller, EchoMethods.Unary.ResponseMarshaller);

    private static readonly Method<EchoRequest, EchoReply> Abandons = new(
        MethodType.DuplexStreaming, EchoMethods.ServiceName, "Abandons", EchoMethods.Bidi.RequestMarshaller, EchoMethods.Bidi.ResponseMarshaller);

    [Fact]
    public async Task VanishedClient_CancelsHandlerAndServerKeepsServing()
    {
        await using var server = await TestGrpcServer.StartAsync();
        Socket? socket = null;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var doomed = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { HttpHandler = handler });
        var call = doomed.AsyncDuplexStreamingCall(EchoMethods.Bidi);
        await call.RequestStream.WriteAsync(new EchoRequest { Message = "hello" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout("first echo", Settle));
        Assert.Equal(1, server.ActiveCalls);

        // The TCP connection goes away under the open stream, as when a client process dies. Shutdown sends the
        // FIN at once even while the handler's own receive is pending on the socket; Close(0) then resets it.
        socket!.Shutdown(SocketShutdown.Both);
        socket.Close(0);

        await Eventually.AssertAsync(() => server.Echo.CancelledCalls == 1, "the handler sees the connection loss", Settle);
        await Eventually.AssertAsync(() => server.ActiveCalls == 0, "the abandoned call is released", Settle);
        using var channel = GrpcChannel.ForAddress(server.Address);
        Assert.Equal("next", (await channel.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest { Message = "next" })).Message);
    }

    [Fact]
    public async Task HandlerException_IsUnknownWithoutLeakingItsMessage()
    {
        await using var server = await TestGrpcServer.StartAsync(mapMore: endpoints =>
            endpoints.MapGrpcUnary<EchoRequest, EchoReply>(Throws, (_, _) => throw new InvalidOperationException("secret connection string")));
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await channel.AsyncUnaryCall(Throws, new EchoRequest()));

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.DoesNotContain("secret", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandlerSetStatusAndTrailers_AreSentOnNormalReturn()
    {
        await using var server = await TestGrpcServer.StartAsync(mapMore: endpoints =>
            endpoints.MapGrpcUnary<EchoRequest, EchoReply>(Throws, (request, context) =>
            {
                context.ResponseTrailers.Add("x-reason", "partial");
                context.Status = new Status(StatusCode.Aborted, "gave up");
                return Task.FromResult(new EchoReply { Message = request.Message });
            }));
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var call = channel.AsyncUnaryCall(Throws, new EchoRequest { Message = "m" });

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(new Status(StatusCode.Aborted, "gave up"), error.Status);
        Assert.Equal("partial", error.Trailers.GetValue("x-reason"));
    }

    [Fact]
    public async Task ServerCallContext_DescribesTheCall()
    {
        (string Method, string Peer, DateTime Deadline)? seen = null;
        string[] headerKeys = [];
        await using var server = await TestGrpcServer.StartAsync(mapMore: endpoints =>
            endpoints.MapGrpcUnary<EchoRequest, EchoReply>(Throws, (request, context) =>
            {
                seen = (context.Method, context.Peer, context.Deadline);
                headerKeys = context.RequestHeaders.Select(entry => entry.Key).ToArray();
                return Task.FromResult(new EchoReply());
            }));
        using var channel = GrpcChannel.ForAddress(server.Address);
        var before = DateTime.UtcNow;

        await channel.AsyncUnaryCall(Throws, new EchoRequest(), new CallOptions(Headers: new Metadata { { "x-a", "1" } }, Deadline: before.AddMinutes(5)));

        var (method, peer, deadline) = Assert.NotNull(seen);
        Assert.Equal("/test.v1.Echo/Throws", method);
        Assert.StartsWith("ipv4:127.0.0.1:", peer, StringComparison.Ordinal);
        Assert.InRange(deadline, before.AddMinutes(4), before.AddMinutes(5).AddSeconds(5));
        Assert.Contains("x-a", headerKeys);
        Assert.DoesNotContain("content-type", headerKeys);
        Assert.DoesNotContain("te", headerKeys);
        Assert.DoesNotContain(headerKeys, key => key.StartsWith("grpc-", StringComparison.Ordinal) || key.StartsWith(':'));
    }

    [Fact]
    public async Task ReadPendingWhenTheHandlerReturns_EndsCancelled()
    {
        var abandonedRead = new TaskCompletionSource<Task<bool>>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestGrpcServer.StartAsync(mapMore: endpoints =>
            endpoints.MapGrpcDuplexStreaming(Abandons, async (requests, _, context) =>
            {
                await requests.MoveNext(context.CancellationToken);
                abandonedRead.SetResult(requests.MoveNext(CancellationToken.None));
                throw new RpcException(new Status(StatusCode.Unavailable, "scripted disconnect"));
            }));
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var call = channel.AsyncDuplexStreamingCall(Abandons);
        await call.RequestStream.WriteAsync(new EchoRequest { Message = "first" });

        var ended = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout("the call ends", Settle));
        var outcome = await Record.ExceptionAsync(async () => await (await abandonedRead.Task).WaitAsync(Settle));

        Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
        Assert.True(outcome is OperationCanceledException, $"the abandoned read ends cancelled, not {outcome?.GetType().Name ?? "with a message"}");
    }

    [Fact]
    public async Task ReadStartedAfterTheHandlerReturned_IsRefusedAndTheNextCallOnTheConnectionGetsItsMessages()
    {
        // Kestrel reuses a finished HTTP/2 stream's request pipe for the next stream on the connection: a reader
        // kept past its handler (a background loop that started late) must not take the next call's messages.
        var abandonedReader = new TaskCompletionSource<IAsyncStreamReader<EchoRequest>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var nextCallStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var nextCallMayRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waitsThenEchoes = new Method<EchoRequest, EchoReply>(
            MethodType.DuplexStreaming, EchoMethods.ServiceName, "WaitsThenEchoes", EchoMethods.Bidi.RequestMarshaller, EchoMethods.Bidi.ResponseMarshaller);
        await using var server = await TestGrpcServer.StartAsync(mapMore: endpoints =>
        {
            endpoints.MapGrpcDuplexStreaming(Abandons, async (requests, _, context) =>
            {
                await requests.MoveNext(context.CancellationToken);
                abandonedReader.SetResult(requests);
                throw new RpcException(new Status(StatusCode.Unavailable, "scripted disconnect"));
            });
            endpoints.MapGrpcDuplexStreaming(waitsThenEchoes, async (requests, responses, context) =>
            {
                nextCallStarted.SetResult();
                await nextCallMayRead.Task;
                while (await requests.MoveNext(context.CancellationToken))
                {
                    await responses.WriteAsync(new EchoReply { Message = requests.Current.Message });
                }
            });
        });
        using var channel = GrpcChannel.ForAddress(server.Address);
        using (var first = channel.AsyncDuplexStreamingCall(Abandons))
        {
            await first.RequestStream.WriteAsync(new EchoRequest { Message = "first" });
            await Assert.ThrowsAsync<RpcException>(() => first.ResponseStream.MoveNext(CancellationToken.None).WithTimeout("the first call ends", Settle));
        }

        using var second = channel.AsyncDuplexStreamingCall(waitsThenEchoes);
        await second.RequestStream.WriteAsync(new EchoRequest { Message = "second" });
        await nextCallStarted.Task.WithTimeout("the second call starts", Settle);
        var lateRead = await Record.ExceptionAsync(async () => await (await abandonedReader.Task).MoveNext(CancellationToken.None).WaitAsync(Settle));
        nextCallMayRead.SetResult();

        Assert.IsType<InvalidOperationException>(lateRead);
        Assert.True(await second.ResponseStream.MoveNext(CancellationToken.None).WithTimeout("the second call's echo", Settle));
        Assert.Equal("second", second.ResponseStream.Current.Message);
    }

    [Fact]
    public async Task MixedCalls_LeaveNoActiveCalls()
    {
        await using var server = await TestGrpcServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var calls = new List<Task>();
        for (var i = 0; i < 20; i++)
        {
            calls.Add(Swallow(async () => await channel.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest { Message = "ok" })));
            calls.Add(Swallow(async () => await channel.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest { FailCode = 5 })));
            calls.Add(Swallow(async () => await channel.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest { DelayMs = 5000 }, new CallOptions(Deadline: DateTime.UtcNow.AddMilliseconds(50)))));
            calls.Add(Swallow(async () =>
            {
                using var duplex = channel.AsyncDuplexStreamingCall(EchoMethods.Bidi);
                await duplex.RequestStream.WriteAsync(new EchoRequest { Message = "x" });
                await duplex.ResponseStream.MoveNext(CancellationToken.None);
            }));
        }

        await Task.WhenAll(calls).WithTimeout("80 mixed calls", TimeSpan.FromSeconds(30));

        await Eventually.AssertAsync(() => server.ActiveCalls == 0, "every call is released", Settle);
    }

    private static async Task Swallow(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (RpcException)
        {
            // Failures are part of the mix; only the bookkeeping matters here.
        }
    }
}
