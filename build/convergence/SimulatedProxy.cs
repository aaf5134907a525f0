using System.Diagnostics;
using System.Threading.Channels;
using Grpc.Core;
using Mesh.Api.V1;

namespace Mesh.Convergence;

/// <summary>
/// One proxy's config stream without the proxy: it sends its node (asking for deltas unless told not to), answers
/// every response at once and reports the moment each ACK was handed to the transport. A delta is applied as far as
/// the harness keeps state: parsed, and checked against the version this proxy serves (a delta onto another base is
/// NACKed as the real proxy does); a whole config is skipped unparsed. Like the real proxy it reconnects when the
/// operator ends the stream, announcing the version it has. Each stream is authenticated as a local-mode proxy's is:
/// the bootstrap token and the node's namespace and service account in <paramref name="credentials"/>. With a
/// <paramref name="report"/> it also sends that traffic report every <see cref="ReportInterval"/>, as a reporting proxy does.
/// </summary>
internal sealed class SimulatedProxy(int index, Node node, Metadata credentials, CallInvoker channel, ChannelWriter<SimulatedProxy.Ack> acks, TrafficReport? report = null)
{
    /// <summary>The real proxy's default (TrafficReportOptions.Interval).</summary>
    public static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _writes = new(1);

    public int ReportsSent { get; private set; }

    public int Index => index;

    /// <summary>The version last ACKed ("" before the first config).</summary>
    public string AckedVersion { get; private set; } = "";

    public long LastResponseSize { get; private set; }

    public int Deltas { get; private set; }

    public long DeltaBytes { get; private set; }

    public int Wholes { get; private set; }

    public long WholeBytes { get; private set; }

    /// <summary>Deltas whose base was not the version this proxy served (NACKed).</summary>
    public int Mismatches { get; private set; }

    public int Reconnects { get; private set; }

    public string? LastError { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await StreamAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RpcException or HttpRequestException or IOException)
            {
                LastError = ex.Message;
            }

            Reconnects++;
            await Task.Delay(TimeSpan.FromMilliseconds(100 + Random.Shared.Next(400)), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task StreamAsync(CancellationToken cancellationToken)
    {
        using var call = channel.AsyncDuplexStreamingCall(ResponseHeader.StreamConfig, null, new CallOptions(credentials, cancellationToken: cancellationToken));
        await call.RequestStream.WriteAsync(new ConfigRequest { Node = node, VersionInfo = AckedVersion }, cancellationToken);
        using var endReports = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reporting = report is null ? Task.CompletedTask : ReportAsync(call.RequestStream, endReports.Token);
        try
        {
            await AnswerAsync(call, cancellationToken);
        }
        finally
        {
            await endReports.CancelAsync();
            await reporting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task ReportAsync(IClientStreamWriter<ConfigRequest> requests, CancellationToken cancellationToken)
    {
        // Spread over the interval, as proxies started at different times are.
        await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next((int)ReportInterval.TotalMilliseconds)), cancellationToken);
        using var timer = new PeriodicTimer(ReportInterval);
        do
        {
            await WriteAsync(requests, new ConfigRequest { TrafficReport = report }, cancellationToken);
            ReportsSent++;
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    private async Task WriteAsync(IClientStreamWriter<ConfigRequest> requests, ConfigRequest request, CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken);
        try
        {
            await requests.WriteAsync(request, cancellationToken);
        }
        finally
        {
            _writes.Release();
        }
    }

    private async Task AnswerAsync(AsyncDuplexStreamingCall<ConfigRequest, ResponseHeader> call, CancellationToken cancellationToken)
    {
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            var response = call.ResponseStream.Current;
            LastResponseSize = response.Size;
            if (response.Delta is { } delta)
            {
                (Deltas, DeltaBytes) = (Deltas + 1, DeltaBytes + response.Size);
                if (delta.BaseVersion != AckedVersion)
                {
                    Mismatches++;
                    await WriteAsync(
                        call.RequestStream,
                        new ConfigRequest
                        {
                            VersionInfo = AckedVersion,
                            ResponseNonce = response.Nonce,
                            ErrorDetail = new ErrorDetail { Code = (int)StatusCode.InvalidArgument, Message = $"delta.base_version: not {AckedVersion}" },
                        },
                        cancellationToken);
                    continue;
                }
            }
            else
            {
                (Wholes, WholeBytes) = (Wholes + 1, WholeBytes + response.Size);
            }

            await WriteAsync(
                call.RequestStream,
                new ConfigRequest { VersionInfo = response.Version, ResponseNonce = response.Nonce },
                cancellationToken);
            var sentAt = Stopwatch.GetTimestamp();
            AckedVersion = response.Version;
            acks.TryWrite(new Ack(index, response.Version, sentAt));
        }
    }

    /// <summary>Proxy <paramref name="Proxy"/> ACKed <paramref name="Version"/> at Stopwatch timestamp <paramref name="SentAt"/>.</summary>
    internal readonly record struct Ack(int Proxy, string Version, long SentAt);
}
