using Google.Protobuf;
using Mesh.Api.Grpc;
using Mesh.Api.Tests.Echo.V1;

namespace Mesh.Api.Tests.Grpc.Infrastructure;

/// <summary>
/// The C# twin of peers/grpc-js/server.js, served by our server. Records which calls saw their cancellation
/// token fire so tests can prove client cancellation and deadlines reach the handler.
/// </summary>
internal sealed class EchoService
{
    private int _cancelledCalls;

    public int CancelledCalls => Volatile.Read(ref _cancelledCalls);

    public static ByteString Pattern(int size)
    {
        var bytes = new byte[size];
        for (var i = 0; i < size; i++)
        {
            bytes[i] = (byte)(i % 251);
        }

        return ByteString.CopyFrom(bytes);
    }

    public async Task<EchoReply> UnaryAsync(EchoRequest request, ServerCallContext context)
    {
        using var watch = Watch(context);
        await EchoHeadersAsync(context);
        await DelayAsync(request, context);
        ThrowIfFailing(request);
        return Reply(request, 0);
    }

    public async Task ServerStreamAsync(EchoRequest request, IServerStreamWriter<EchoReply> responses, ServerCallContext context)
    {
        using var watch = Watch(context);
        await EchoHeadersAsync(context);
        for (var i = 0; i < request.ReplyCount; i++)
        {
            await DelayAsync(request, context);
            await responses.WriteAsync(Reply(request, i));
        }

        ThrowIfFailing(request);
    }

    public async Task<EchoReply> ClientStreamAsync(IAsyncStreamReader<EchoRequest> requests, ServerCallContext context)
    {
        using var watch = Watch(context);
        await EchoHeadersAsync(context);
        var count = 0;
        long bytes = 0;
        var last = string.Empty;
        EchoRequest? failing = null;
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            count++;
            bytes += request.Payload.Length;
            last = request.Message;
            failing ??= request.FailCode != 0 ? request : null;
        }

        if (failing is not null)
        {
            ThrowIfFailing(failing);
        }

        return new EchoReply { Message = last, ReceivedCount = count, ReceivedBytes = bytes };
    }

    public async Task BidiAsync(IAsyncStreamReader<EchoRequest> requests, IServerStreamWriter<EchoReply> responses, ServerCallContext context)
    {
        using var watch = Watch(context);
        await EchoHeadersAsync(context);
        var index = 0;
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            ThrowIfFailing(request);
            await DelayAsync(request, context);
            await responses.WriteAsync(Reply(request, index++));
        }
    }

    private static EchoReply Reply(EchoRequest request, int index) => new()
    {
        Message = request.Message,
        Payload = request.ReplySize > 0 ? Pattern(request.ReplySize) : request.Payload,
        Index = index,
    };

    private static void ThrowIfFailing(EchoRequest request)
    {
        if (request.FailCode != 0)
        {
            throw new RpcException(new Status((StatusCode)request.FailCode, request.FailMessage));
        }
    }

    private static Task DelayAsync(EchoRequest request, ServerCallContext context) =>
        request.DelayMs > 0 ? Task.Delay(request.DelayMs, context.CancellationToken) : Task.CompletedTask;

    /// <summary>Echoes the "x-" request metadata in the response headers and in the trailers.</summary>
    private static Task EchoHeadersAsync(ServerCallContext context)
    {
        var echoed = new Metadata();
        foreach (var entry in context.RequestHeaders)
        {
            if (entry.Key.StartsWith("x-", StringComparison.Ordinal))
            {
                echoed.Add(entry);
                context.ResponseTrailers.Add(entry);
            }
        }

        return echoed.Count > 0 ? context.WriteResponseHeadersAsync(echoed) : Task.CompletedTask;
    }

    private CancellationTokenRegistration Watch(ServerCallContext context) =>
        context.CancellationToken.Register(() => Interlocked.Increment(ref _cancelledCalls));
}
