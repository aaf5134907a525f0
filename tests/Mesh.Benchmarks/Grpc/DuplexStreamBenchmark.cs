using System.Buffers;
using System.Net;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Mesh.Api.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Benchmarks.Grpc;

/// <summary>
/// One bidirectional gRPC stream over loopback h2c between our client (GrpcChannel) and our server (Kestrel),
/// both in this process, with 1 KiB messages. Each operation is one 1 KiB message; allocations are
/// process-wide (BenchmarkDotNet reads GC.GetTotalAllocatedBytes), so they include both sides, Kestrel and
/// SocketsHttpHandler.
/// <list type="bullet">
/// <item><c>ServerToClient</c>: the server pushes a batch of messages (the config stream's direction).</item>
/// <item><c>ClientToServer</c>: the client streams a batch; the server acknowledges the batch once.</item>
/// <item><c>Echo</c>: the client streams a batch while reading the server's echo of each message (one
/// operation = one message each way).</item>
/// </list>
/// <c>Marshalling = Protobuf</c> parses a new <see cref="BytesValue"/> per received message (the message object
/// itself, ~1.1 KiB); <c>Reused</c> copies the payload into one reused buffer, isolating the wire's own cost.
/// </summary>
[MemoryDiagnoser]
public class DuplexStreamBenchmark
{
    private const int Batch = 1000;
    private const int PayloadSize = 1024;

    private WebApplication? _app;
    private GrpcChannel? _channel;
    private AsyncDuplexStreamingCall<BytesValue, BytesValue>? _push;
    private AsyncDuplexStreamingCall<BytesValue, BytesValue>? _sink;
    private AsyncDuplexStreamingCall<BytesValue, BytesValue>? _echo;
    private BytesValue _message = null!;

    public enum MarshallingKind
    {
        Protobuf,
        Reused,
    }

    [Params(MarshallingKind.Protobuf, MarshallingKind.Reused)]
    public MarshallingKind Marshalling { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _message = new BytesValue { Value = ByteString.CopyFrom(new byte[PayloadSize - 3]) };
        var marshaller = Marshalling == MarshallingKind.Protobuf ? Marshallers.ForProtobuf(BytesValue.Parser) : ReusedMarshaller();
        Method<BytesValue, BytesValue> Duplex(string name) => new(MethodType.DuplexStreaming, "bench.Stream", name, marshaller, marshaller);
        var push = Duplex("Push");
        var sink = Duplex("Sink");
        var echo = Duplex("Echo");

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseGrpcH2c()));
        builder.Services.AddGrpcWire();
        _app = builder.Build();
        _app.MapGrpcDuplexStreaming(push, PushAsync);
        _app.MapGrpcDuplexStreaming(sink, SinkAsync);
        _app.MapGrpcDuplexStreaming(echo, EchoAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

        _channel = GrpcChannel.ForAddress(address);
        _push = _channel.AsyncDuplexStreamingCall(push);
        _sink = _channel.AsyncDuplexStreamingCall(sink);
        _echo = _channel.AsyncDuplexStreamingCall(echo);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        foreach (var call in new[] { _push, _sink, _echo })
        {
            if (call is not null)
            {
                await call.RequestStream.CompleteAsync();
                call.Dispose();
            }
        }

        _channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task ServerToClient()
    {
        await _push!.RequestStream.WriteAsync(_message);
        for (var i = 0; i < Batch; i++)
        {
            await _push.ResponseStream.MoveNext(CancellationToken.None);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task ClientToServer()
    {
        for (var i = 0; i < Batch; i++)
        {
            await _sink!.RequestStream.WriteAsync(_message);
        }

        await _sink!.ResponseStream.MoveNext(CancellationToken.None);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task Echo()
    {
        var writes = WriteBatchAsync(_echo!.RequestStream);
        for (var i = 0; i < Batch; i++)
        {
            await _echo.ResponseStream.MoveNext(CancellationToken.None);
        }

        await writes;
    }

    private async Task WriteBatchAsync(IClientStreamWriter<BytesValue> requests)
    {
        for (var i = 0; i < Batch; i++)
        {
            await requests.WriteAsync(_message);
        }
    }

    private async Task PushAsync(IAsyncStreamReader<BytesValue> requests, IServerStreamWriter<BytesValue> responses, ServerCallContext context)
    {
        while (await requests.MoveNext(context.CancellationToken))
        {
            for (var i = 0; i < Batch; i++)
            {
                await responses.WriteAsync(_message);
            }
        }
    }

    private async Task SinkAsync(IAsyncStreamReader<BytesValue> requests, IServerStreamWriter<BytesValue> responses, ServerCallContext context)
    {
        var received = 0;
        while (await requests.MoveNext(context.CancellationToken))
        {
            if (++received % Batch == 0)
            {
                await responses.WriteAsync(_message);
            }
        }
    }

    private static async Task EchoAsync(IAsyncStreamReader<BytesValue> requests, IServerStreamWriter<BytesValue> responses, ServerCallContext context)
    {
        while (await requests.MoveNext(context.CancellationToken))
        {
            await responses.WriteAsync(requests.Current);
        }
    }

    /// <summary>Serializes like protobuf but parses into one reused message: no per-message allocation by design.</summary>
    private static Marshaller<BytesValue> ReusedMarshaller()
    {
        var buffer = new byte[PayloadSize];
        var reused = new BytesValue();
        return new Marshaller<BytesValue>(
            static message => message.CalculateSize(),
            static (message, destination) => message.WriteTo(destination),
            payload =>
            {
                payload.CopyTo(buffer);
                return reused;
            });
    }
}
