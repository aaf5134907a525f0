using Grpc.Core;
using Mesh.Api.V1;
using Mesh.Proxy.Hosting;
using Mesh.Proxy.Identity;
using Mesh.Proxy.Telemetry.Reporting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Proxy.Config;

/// <summary>
/// The control plane's config stream (<c>mesh.v1.ConfigDiscovery/StreamConfig</c>): announces the node (asking for
/// deltas), applies each config it receives (whole, or a delta onto the one it serves) and answers with an ACK (the
/// new version and the response's nonce) or a NACK (the version still serving, the nonce and the reason). When the
/// stream breaks the last good config keeps serving and the proxy reconnects with jittered exponential backoff,
/// telling the server which version it has. Every stream is authenticated with the proxy's credentials
/// (<see cref="WorkloadCredentials"/>), read afresh for each one so that a rotated service-account token is what the
/// next reconnect presents. With reporting on (<see cref="TrafficReportOptions"/>) the same stream carries a traffic
/// report at each interval: a request with only traffic_report set, which discovery.proto rules out as an ACK or NACK.
/// </summary>
internal sealed partial class StreamConfigSource : IProxyConfigSource
{
    private readonly ProxyOptions _options;
    private readonly WorkloadCredentials _credentials;
    private readonly IConfigApplier _applier;
    private readonly TimeProvider _time;
    private readonly StreamConfigSourceOptions _streamOptions;
    private readonly ITrafficSampler _sampler;
    private readonly TrafficReportOptions _reportOptions;
    private readonly ILogger<StreamConfigSource> _logger;

    public StreamConfigSource(
        ProxyOptions options,
        IConfigApplier applier,
        TimeProvider time,
        IOptions<StreamConfigSourceOptions> streamOptions,
        ITrafficSampler sampler,
        IOptions<TrafficReportOptions> reportOptions,
        ILogger<StreamConfigSource> logger)
    {
        _sampler = sampler;
        _reportOptions = reportOptions.Value;
        _options = options;
        _credentials = new WorkloadCredentials(options);
        _applier = applier;
        _time = time;
        _streamOptions = streamOptions.Value;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var address = _options.DiscoveryAddress ?? throw new InvalidOperationException("no discovery address");
        using var channel = DiscoveryChannel.Create(address, _streamOptions.MaxReceiveMessageSize);
        var client = new ConfigDiscovery.ConfigDiscoveryClient(channel);
        var backoff = new ReconnectBackoff(_streamOptions.InitialBackoff, _streamOptions.MaxBackoff, Random.Shared);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await StreamAsync(client, backoff, cancellationToken);
                LogStreamClosed(address);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RpcException or HttpRequestException or IOException or OperationCanceledException)
            {
                LogStreamFailed(address, ex.Message);
            }

            var delay = backoff.Next();
            LogReconnecting(delay.TotalMilliseconds, _applier.CurrentVersion ?? "none");
            await Task.Delay(delay, _time, cancellationToken);
        }
    }

    private async Task StreamAsync(ConfigDiscovery.ConfigDiscoveryClient client, ReconnectBackoff backoff, CancellationToken cancellationToken)
    {
        var headers = await _credentials.CreateMetadataAsync(cancellationToken);
        using var call = client.StreamConfig(headers, cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new ConfigRequest { Node = CreateNode(), VersionInfo = _applier.CurrentVersion ?? "" }, cancellationToken);

        // gRPC allows one write at a time on a stream: answers and reports take turns.
        using var writes = new SemaphoreSlim(1);
        using var endReports = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reporting = _reportOptions.Interval > TimeSpan.Zero
            ? ReportAsync(call.RequestStream, writes, endReports.Token)
            : Task.CompletedTask;
        try
        {
            await ReceiveAsync(call, writes, backoff, cancellationToken);
        }
        finally
        {
            await endReports.CancelAsync();
            await reporting;
        }
    }

    private async Task ReceiveAsync(AsyncDuplexStreamingCall<ConfigRequest, ConfigResponse> call, SemaphoreSlim writes, ReconnectBackoff backoff, CancellationToken cancellationToken)
    {
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            var response = call.ResponseStream.Current;
            backoff.Reset();

            // With inline socket completions (ProxyOptions.InlineIo) the loop resumes on the socket engine's thread,
            // which serves every connection: building the snapshot of a large config there would stall them all.
            await Task.Yield();
            var result = response.Delta is { } delta
                ? _applier.ApplyDelta(response.VersionInfo, response.Config ?? new ProxyConfig(), delta)
                : _applier.Apply(response.VersionInfo, response.Config ?? new ProxyConfig());
            var answer = new ConfigRequest { VersionInfo = result.Version ?? "", ResponseNonce = response.Nonce };
            if (!result.Accepted)
            {
                answer.ErrorDetail = new ErrorDetail { Code = (int)StatusCode.InvalidArgument, Message = result.Error ?? "rejected" };
            }

            await writes.WaitAsync(cancellationToken);
            try
            {
                await call.RequestStream.WriteAsync(answer, cancellationToken);
            }
            finally
            {
                writes.Release();
            }
        }
    }

    /// <summary>
    /// Sends a report at once (what accumulated while no stream was open; nothing on the very first stream, whose
    /// sample is the baseline) and then at every interval, until the stream ends. A failed write ends only the
    /// reports: the response loop sees the broken stream and reconnects.
    /// </summary>
    private async Task ReportAsync(IClientStreamWriter<ConfigRequest> requests, SemaphoreSlim writes, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(_reportOptions.Interval, _time);
            do
            {
                if (await _sampler.SampleAsync(cancellationToken) is not { } report || (report.Edges.Count == 0 && report.DroppedRequests == 0))
                {
                    continue;
                }

                await writes.WaitAsync(cancellationToken);
                try
                {
                    await requests.WriteAsync(new ConfigRequest { TrafficReport = report }, cancellationToken);
                }
                finally
                {
                    writes.Release();
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException)
        {
            LogReportFailed(ex.Message);
        }
    }

    private Node CreateNode()
    {
        var node = new Node
        {
            Id = _options.NodeId,
            Namespace = _options.Namespace,
            ServiceAccount = _options.ServiceAccount,
            Ip = _options.Ip ?? string.Empty,
            AcceptsDelta = _streamOptions.AcceptDeltas,
            ReportsTraffic = _reportOptions.Interval > TimeSpan.Zero,
        };
        foreach (var (key, value) in _options.Labels.OrderBy(label => label.Key, StringComparer.Ordinal))
        {
            node.Labels[key] = value;
        }

        return node;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Config stream to {Address} closed by the server")]
    private partial void LogStreamClosed(Uri address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Config stream to {Address} failed: {Reason}; the last good config keeps serving")]
    private partial void LogStreamFailed(Uri address, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Traffic report not sent: {Reason}; reports resume on the next stream")]
    private partial void LogReportFailed(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconnecting to the control plane in {DelayMs:0} ms (serving version {Version})")]
    private partial void LogReconnecting(double delayMs, string version);
}
