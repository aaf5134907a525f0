using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;

namespace Mesh.Proxy.Telemetry;

/// <summary>
/// Writes one JSON line per proxied request. Requests only enqueue (never block: when the queue is full the
/// line is dropped); a background loop formats and writes.
/// </summary>
internal sealed class AccessLogWriter : BackgroundService
{
    private readonly Channel<AccessLogEntry> _queue = Channel.CreateBounded<AccessLogEntry>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly Stream _output;

    public AccessLogWriter(AccessLogOutput output) => _output = output.Stream;

    public void Write(AccessLogEntry entry) => _queue.Writer.TryWrite(entry);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var entry in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await WriteLineAsync(entry, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Flush what was logged before shutdown.
        while (_queue.Reader.TryRead(out var entry))
        {
            await WriteLineAsync(entry, CancellationToken.None);
        }
    }

    private async Task WriteLineAsync(AccessLogEntry entry, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("start_time", entry.Start);
            json.WriteString("direction", entry.Direction);
            json.WriteString("method", entry.Method);
            json.WriteString("authority", entry.Authority);
            json.WriteString("path", entry.Path);
            json.WriteString("protocol", entry.Protocol);
            json.WriteNumber("response_code", entry.Status);
            json.WriteNumber("duration_ms", Math.Round(entry.DurationMs, 3));
            json.WriteString("route", entry.Route);
            json.WriteString("upstream_cluster", entry.UpstreamCluster);
            json.WriteString("upstream_host", entry.UpstreamHost);
            json.WriteNumber("attempts", entry.Attempts);
            json.WriteString("trace_id", entry.TraceId);
            json.WriteString("response_flags", entry.ResponseFlags);
            json.WriteString("response_code_details", entry.ResponseCodeDetails);
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        await _output.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken);
        await _output.FlushAsync(cancellationToken);
    }
}

/// <summary>Where access-log lines go: standard output unless a test replaces it.</summary>
internal sealed record AccessLogOutput(Stream Stream);
