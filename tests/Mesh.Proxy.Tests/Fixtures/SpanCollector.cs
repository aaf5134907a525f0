using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Proxy.Tests.Fixtures;

/// <summary>
/// A span collector on 127.0.0.1 as Zipkin and an OpenTelemetry collector expose it: <c>POST /api/v2/spans</c> takes
/// Zipkin v2 JSON, <c>POST /v1/traces</c> OTLP/HTTP protobuf (ExportTraceServiceRequest, read field by field from the
/// wire format of opentelemetry-proto's trace.proto). Every span received is kept, tagged with the path it came by.
/// </summary>
internal sealed class SpanCollector : IAsyncDisposable
{
    public const string ZipkinPath = "/api/v2/spans";
    public const string OtlpPath = "/v1/traces";

    private readonly WebApplication _app;

    private SpanCollector(WebApplication app) => _app = app;

    /// <summary>The base address it listens on (an ephemeral port).</summary>
    public Uri Address { get; private set; } = null!;

    public Uri ZipkinEndpoint => new(Address, ZipkinPath);

    public ConcurrentQueue<CollectedSpan> Spans { get; } = new();

    public static async Task<SpanCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var collector = new SpanCollector(app);
        app.MapPost(ZipkinPath, context => collector.ReceiveAsync(context, ReadZipkin));
        app.MapPost(OtlpPath, context => collector.ReceiveAsync(context, ReadOtlp));
        await app.StartAsync();
        collector.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return collector;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task ReceiveAsync(HttpContext context, Func<byte[], IEnumerable<CollectedSpan>> read)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        foreach (var span in read(body.ToArray()))
        {
            Spans.Enqueue(span);
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private static IEnumerable<CollectedSpan> ReadZipkin(byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        return [.. json.RootElement.EnumerateArray().Select(s => new CollectedSpan(
            ZipkinPath,
            s.GetProperty("traceId").GetString()!,
            s.GetProperty("id").GetString()!,
            s.TryGetProperty("parentId", out var parent) ? parent.GetString() : null,
            s.TryGetProperty("kind", out var kind) ? kind.GetString()! : "",
            s.GetProperty("name").GetString()!,
            s.GetProperty("localEndpoint").GetProperty("serviceName").GetString()!))];
    }

    // ExportTraceServiceRequest{1: ResourceSpans{1: Resource{1: KeyValue{1: key, 2: AnyValue{1: string}}}, 2: ScopeSpans{2: Span}}}.
    private static IEnumerable<CollectedSpan> ReadOtlp(byte[] body)
    {
        var spans = new List<CollectedSpan>();
        foreach (var resourceSpans in Fields(body, 1))
        {
            var service = Fields(Fields(resourceSpans, 1).Single(), 1)
                .Where(kv => Fields(kv, 1).Single().ToStringUtf8() == "service.name")
                .Select(kv => Fields(Fields(kv, 2).Single(), 1).Single().ToStringUtf8())
                .Single();
            foreach (var span in Fields(resourceSpans, 2).SelectMany(scope => Fields(scope, 2)))
            {
                var parent = Fields(span, 4).SingleOrDefault();
                spans.Add(new CollectedSpan(
                    OtlpPath,
                    Convert.ToHexStringLower(Fields(span, 1).Single().Span),
                    Convert.ToHexStringLower(Fields(span, 2).Single().Span),
                    parent is null || parent.IsEmpty ? null : Convert.ToHexStringLower(parent.Span),
                    Varint(span, 6) switch { 2 => "SERVER", 3 => "CLIENT", var other => other.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                    Fields(span, 5).Single().ToStringUtf8(),
                    service));
            }
        }

        return spans;
    }

    /// <summary>The length-delimited values of field <paramref name="number"/> in a message, skipping every other field.</summary>
    private static List<ByteString> Fields(ByteString message, int number) => Fields(message.ToByteArray(), number);

    private static List<ByteString> Fields(byte[] message, int number)
    {
        var values = new List<ByteString>();
        var input = new CodedInputStream(message);
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                values.Add(input.ReadBytes());
            }
            else
            {
                input.SkipLastField();
            }
        }

        return values;
    }

    private static ulong Varint(ByteString message, int number)
    {
        var input = new CodedInputStream(message.ToByteArray());
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number && WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint)
            {
                return input.ReadUInt64();
            }

            input.SkipLastField();
        }

        return 0;
    }
}

/// <param name="Path">The collector path it arrived by (<see cref="SpanCollector.ZipkinPath"/> or <see cref="SpanCollector.OtlpPath"/>).</param>
/// <param name="Kind">Zipkin's kind: SERVER, CLIENT (OTLP's SPAN_KIND_SERVER and SPAN_KIND_CLIENT map to them).</param>
internal sealed record CollectedSpan(string Path, string TraceId, string SpanId, string? ParentId, string Kind, string Name, string Service);
